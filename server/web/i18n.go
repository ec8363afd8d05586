package web

import (
	"fmt"
	"strings"
)

// T translates key into lang (en, ru or it), formatting args into it. Every
// string the web view shows goes through here. An unknown key shows as
// ⟦key⟧ so a missing entry is visible (and a test fails on it).
func T(lang, key string, args ...any) string {
	m, ok := catalogue[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	i := 0
	switch lang {
	case "ru":
		i = 1
	case "it":
		i = 2
	}
	s := m[i]
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// histText is a history entry's text in lang: calls and stage changes are
// worded from their fields; notes are shown as written.
func histText(lang, kind, text, dir, outcome string, secs int, stage string) string {
	switch kind {
	case "call":
		return callText(lang, dir, outcome, secs)
	case "stage":
		if rest, ok := strings.CutPrefix(text, "Stage: "); ok {
			return T(lang, "hist.stage") + ": " + rest
		}
		return T(lang, "hist.stage") + ": " + stage
	}
	return text
}

// catalogue holds every string in English, Russian and Italian, in that
// order: an entry cannot miss a language.
var catalogue = map[string][3]string{
	"nav.search":   {"Search", "Поиск", "Cerca"},
	"nav.calls":    {"Calls", "Звонки", "Chiamate"},
	"nav.board":    {"Live board", "Сейчас", "In diretta"},
	"nav.devices":  {"Phones", "Телефоны", "Telefoni"},
	"nav.settings": {"Settings", "Настройки", "Impostazioni"},
	"nav.audit":    {"Audit log", "Журнал", "Registro"},
	"nav.signout":  {"Sign out", "Выйти", "Esci"},

	"signin.title":    {"Sign in", "Вход", "Accedi"},
	"signin.login":    {"Login", "Логин", "Utente"},
	"signin.password": {"Password", "Пароль", "Password"},
	"signin.submit":   {"Sign in", "Войти", "Accedi"},
	"signin.wrong":    {"Wrong login or password.", "Неверный логин или пароль.", "Utente o password errati."},
	"signin.locked": {"Too many failed sign-ins. Sign-in is locked for a while; try again later or ask a colleague.",
		"Слишком много неудачных попыток. Вход временно заблокирован; попробуйте позже или обратитесь к коллеге.",
		"Troppi tentativi falliti. L'accesso è bloccato per un po'; riprova più tardi o chiedi a un collega."},

	"error.title": {"Something went wrong", "Что-то пошло не так", "Qualcosa è andato storto"},
	"error.back":  {"Go back", "Назад", "Indietro"},

	"search.placeholder": {"Name, number, company, e-mail or note…", "Имя, номер, компания, e-mail или заметка…", "Nome, numero, azienda, e-mail o nota…"},
	"search.hint": {"Results appear as you type. Numbers can be typed in any format.", "Результаты появляются по мере ввода. Номер можно вводить в любом формате.",
		"I risultati appaiono mentre scrivi. I numeri si possono scrivere in qualsiasi formato."},
	"search.none":    {"Nothing found.", "Ничего не найдено.", "Nessun risultato."},
	"search.vianote": {"in a note", "в заметке", "in una nota"},

	"card.unknown":     {"Unknown number", "Неизвестный номер", "Numero sconosciuto"},
	"card.lastcall":    {"Last call", "Последний звонок", "Ultima chiamata"},
	"card.others":      {"Also", "Также", "Anche"},
	"call.incoming":    {"Incoming", "Входящий", "In entrata"},
	"call.outgoing":    {"Outgoing", "Исходящий", "In uscita"},
	"call.inprogress":  {"in progress", "идёт", "in corso"},
	"call.withheld":    {"Withheld number", "Скрытый номер", "Numero privato"},
	"outcome.answered": {"answered", "отвечен", "risposta"},
	"outcome.missed":   {"missed", "пропущен", "persa"},
	"outcome.rejected": {"rejected", "отклонён", "rifiutata"},
	"outcome.busy":     {"busy", "занято", "occupato"},
	"hist.stage":       {"Stage", "Этап", "Fase"},

	"contact.phoneview":     {"As the phone shows it", "Как на телефоне", "Come sul telefono"},
	"contact.edit":          {"Edit", "Изменить", "Modifica"},
	"contact.new":           {"New contact", "Новый контакт", "Nuovo contatto"},
	"contact.addnote":       {"Add a note", "Добавить заметку", "Aggiungi una nota"},
	"contact.noteph":        {"What was agreed?", "О чём договорились?", "Cosa è stato concordato?"},
	"contact.savenote":      {"Save note", "Сохранить заметку", "Salva nota"},
	"contact.stage":         {"Stage", "Этап", "Fase"},
	"contact.movestage":     {"Move", "Перевести", "Sposta"},
	"contact.history":       {"History", "История", "Cronologia"},
	"contact.historycapped": {"Showing the latest %d entries.", "Показаны последние %d записей.", "Sono mostrate le ultime %d voci."},
	"contact.nohistory":     {"No calls, notes or stage changes yet.", "Пока нет звонков, заметок и смен этапа.", "Ancora nessuna chiamata, nota o cambio di fase."},
	"contact.changes":       {"Recent changes", "Последние изменения", "Modifiche recenti"},
	"contact.allchanges":    {"All changes to this contact", "Все изменения контакта", "Tutte le modifiche al contatto"},

	"f.displayname": {"Name", "Имя", "Nome"},
	"f.givenname":   {"Given name", "Имя (личное)", "Nome proprio"},
	"f.familyname":  {"Family name", "Фамилия", "Cognome"},
	"f.nickname":    {"Nickname", "Прозвище", "Soprannome"},
	"f.company":     {"Company", "Компания", "Azienda"},
	"f.jobtitle":    {"Job title", "Должность", "Ruolo"},
	"f.department":  {"Department", "Отдел", "Reparto"},
	"f.phones":      {"Phones", "Телефоны", "Telefoni"},
	"f.emails":      {"E-mails", "E-mail", "E-mail"},
	"f.addresses":   {"Addresses", "Адреса", "Indirizzi"},
	"f.websites":    {"Websites", "Сайты", "Siti web"},
	"f.birthday":    {"Birthday", "День рождения", "Compleanno"},
	"f.groups":      {"Groups", "Группы", "Gruppi"},
	"f.stage":       {"Stage", "Этап", "Fase"},
	"f.note":        {"Note", "Заметка", "Nota"},
	"f.custom":      {"Other fields", "Другие поля", "Altri campi"},

	"edit.phoneshelp":  {"one per line: number | type | label", "по одному в строке: номер | тип | метка", "uno per riga: numero | tipo | etichetta"},
	"edit.emailshelp":  {"one per line: address | type", "по одному в строке: адрес | тип", "uno per riga: indirizzo | tipo"},
	"edit.lineshelp":   {"one per line", "по одному в строке", "uno per riga"},
	"edit.customhelp":  {"one per line: key: value", "по одному в строке: ключ: значение", "uno per riga: chiave: valore"},
	"edit.newgroups":   {"New groups", "Новые группы", "Nuovi gruppi"},
	"edit.newgroupsph": {"comma-separated", "через запятую", "separati da virgola"},
	"edit.save":        {"Save", "Сохранить", "Salva"},
	"edit.cancel":      {"Cancel", "Отмена", "Annulla"},
	"edit.syncnote":    {"Changes go to Google Contacts through the sync.", "Изменения уйдут в Google Контакты через синхронизацию.", "Le modifiche vanno su Google Contatti tramite la sincronizzazione."},
	"edit.stale": {"Someone changed this contact while you were editing. What they saved is shown above your edits, which are kept below: check and save again.",
		"Кто-то изменил контакт, пока вы его редактировали. Сохранённое ими показано выше, ваши правки сохранены в форме ниже: проверьте и сохраните ещё раз.",
		"Qualcuno ha modificato il contatto mentre lo modificavi. Quello che ha salvato è mostrato sopra, le tue modifiche restano nel modulo sotto: controlla e salva di nuovo."},
	"card.oncall": {"On a call with %s since %s", "Сейчас говорит с %s, с %s", "Al telefono con %s dalle %s"},
	"nav.data":    {"Import / export", "Импорт / экспорт", "Importa / esporta"},
	"data.import": {"Import contacts", "Импорт контактов", "Importa contatti"},
	"data.importhelp": {"An Excel workbook (.xlsx) with its own column names, a Google Contacts CSV, any CSV, or a vCard file (many cards in one). Contacts that share a number or an e-mail with one already here are merged into it, not duplicated. The file is checked first: nothing is written until you press Import now.",
		"Книга Excel (.xlsx) со своими названиями столбцов, CSV из Google Контактов, любой CSV или файл vCard (много карточек в одном). Контакты с тем же номером или e-mail, что у уже имеющегося, объединяются с ним, а не дублируются. Сначала файл проверяется: ничего не записывается, пока вы не нажмёте «Импортировать».",
		"Una cartella Excel (.xlsx) con i suoi nomi di colonna, un CSV di Google Contatti, un CSV qualsiasi o un file vCard (molte schede in uno). I contatti con lo stesso numero o e-mail di uno già presente vengono uniti a esso, non duplicati. Il file viene prima controllato: nulla viene scritto finché non premi Importa ora."},
	"data.file":    {"File", "Файл", "File"},
	"data.format":  {"Format", "Формат", "Formato"},
	"data.auto":    {"told by the content", "по содержимому", "dal contenuto"},
	"data.check":   {"Check file", "Проверить файл", "Controlla il file"},
	"data.nofile":  {"Choose a file to import.", "Выберите файл для импорта.", "Scegli un file da importare."},
	"data.expired": {"That checked file is no longer here (it waits 30 minutes): check it again.", "Проверенного файла больше нет (он хранится 30 минут): проверьте его снова.", "Il file controllato non c'è più (resta 30 minuti): controllalo di nuovo."},
	"data.columns": {"Columns read (header in row %d)", "Прочитанные столбцы (заголовок в строке %d)", "Colonne lette (intestazione alla riga %d)"},
	"data.column":  {"Column", "Столбец", "Colonna"},
	"data.header":  {"Header", "Заголовок", "Intestazione"},
	"data.readas":  {"Read as", "Читается как", "Letta come"},
	"data.wouldimport": {"Checked %s: %d would be created, %d merged into existing contacts, %d skipped; %d history lines. Nothing is written yet.",
		"Проверен %s: будет создано %d, объединено с имеющимися %d, пропущено %d; строк истории: %d. Пока ничего не записано.",
		"Controllato %s: %d da creare, %d da unire a contatti esistenti, %d saltati; %d righe di cronologia. Non è stato ancora scritto nulla."},
	"data.imported": {"Imported %s: %d created, %d merged into existing contacts, %d skipped; %d history lines.",
		"Импортирован %s: создано %d, объединено с имеющимися %d, пропущено %d; строк истории: %d.",
		"Importato %s: %d creati, %d uniti a contatti esistenti, %d saltati; %d righe di cronologia."},
	"data.importnow":    {"Import now", "Импортировать", "Importa ora"},
	"data.row":          {"Row", "Строка", "Riga"},
	"data.action":       {"Action", "Действие", "Azione"},
	"data.name":         {"Name", "Имя", "Nome"},
	"data.reason":       {"Why", "Почему", "Perché"},
	"data.act.create":   {"create", "создать", "crea"},
	"data.act.merge":    {"merge", "объединить", "unisci"},
	"data.act.skip":     {"skip", "пропустить", "salta"},
	"data.historylines": {"%d history lines", "строк истории: %d", "%d righe di cronologia"},
	"data.more":         {"… and %d more rows", "… и ещё строк: %d", "… e altre %d righe"},
	"data.needlook":     {"Rows to look at", "Строки, на которые стоит взглянуть", "Righe da controllare"},
	"data.nothing":      {"Nothing to import in this file.", "В этом файле нечего импортировать.", "Niente da importare in questo file."},
	"data.export":       {"Export", "Экспорт", "Esporta"},
	"data.exporthelp": {"Every contact with all its fields and groups, and the whole history (calls, notes, stage changes). ringcard reads these files back; Excel, Google Contacts and phones open them too.",
		"Все контакты со всеми полями и группами и вся история (звонки, заметки, смены стадий). ringcard читает эти файлы обратно; их открывают и Excel, Google Контакты и телефоны.",
		"Tutti i contatti con tutti i campi e i gruppi, e tutta la cronologia (chiamate, note, cambi di fase). ringcard rilegge questi file; li aprono anche Excel, Google Contatti e i telefoni."},
	"data.xlsx":    {"Excel workbook (.xlsx)", "Книга Excel (.xlsx)", "Cartella Excel (.xlsx)"},
	"data.csv":     {"CSV and history (.zip)", "CSV и история (.zip)", "CSV e cronologia (.zip)"},
	"data.vcf":     {"vCard and history (.zip)", "vCard и история (.zip)", "vCard e cronologia (.zip)"},
	"edit.theirs":  {"Saved meanwhile by someone else", "Сохранено тем временем другим человеком", "Salvato nel frattempo da qualcun altro"},
	"edit.empty":   {"(empty)", "(пусто)", "(vuoto)"},
	"new.fromcall": {"Call from %s at %s", "Звонок с %s в %s", "Chiamata da %s alle %s"},

	"calls.missed":    {"Missed, not returned", "Пропущенные без ответа", "Perse, non richiamate"},
	"calls.nomissed":  {"No missed calls waiting.", "Пропущенных без ответа нет.", "Nessuna chiamata persa in attesa."},
	"calls.unknown":   {"Unknown numbers", "Неизвестные номера", "Numeri sconosciuti"},
	"calls.nounknown": {"No calls from unknown numbers.", "Звонков с неизвестных номеров нет.", "Nessuna chiamata da numeri sconosciuti."},
	"calls.create":    {"Create contact", "Создать контакт", "Crea contatto"},
	"calls.addgroup":  {"Add to group", "Добавить в группу", "Aggiungi al gruppo"},
	"calls.today":     {"Today", "Сегодня", "Oggi"},
	"calls.nonetoday": {"No calls today yet.", "Сегодня звонков ещё не было.", "Ancora nessuna chiamata oggi."},

	"board.title":   {"Calls right now", "Звонки сейчас", "Chiamate in corso"},
	"board.live":    {"live", "онлайн", "in diretta"},
	"board.offline": {"reconnecting…", "переподключение…", "riconnessione…"},
	"board.none":    {"No calls ringing or in progress.", "Сейчас никто не звонит и не разговаривает.", "Nessuna chiamata in arrivo o in corso."},

	"devices.title":    {"Paired phones", "Подключённые телефоны", "Telefoni associati"},
	"devices.name":     {"Phone", "Телефон", "Telefono"},
	"devices.state":    {"State", "Состояние", "Stato"},
	"devices.lastseen": {"Last seen", "Был на связи", "Ultimo contatto"},
	"devices.channel":  {"Channel", "Канал", "Canale"},
	"devices.online":   {"online", "на связи", "online"},
	"devices.offline":  {"offline", "не на связи", "offline"},
	"devices.revoked":  {"revoked", "отключён", "revocato"},
	"devices.revoke":   {"Revoke", "Отключить", "Revoca"},
	"devices.confirm":  {"Revoke this phone? It stops working at once.", "Отключить телефон? Он сразу перестанет работать.", "Revocare questo telefono? Smette subito di funzionare."},
	"devices.none":     {"No phones paired yet.", "Телефоны ещё не подключены.", "Nessun telefono associato."},
	"devices.pair":     {"Pair a phone", "Подключить телефон", "Associa un telefono"},
	"devices.pairhelp": {"Makes a one-time code and QR code for the ringcard app. It works once and expires in minutes.",
		"Создаёт одноразовый код и QR-код для приложения ringcard. Он срабатывает один раз и истекает через несколько минут.",
		"Crea un codice monouso e un QR code per l'app ringcard. Funziona una volta e scade in pochi minuti."},
	"devices.carrier":  {"Who carries the phone", "Кто носит телефон", "Chi usa il telefono"},
	"devices.makecode": {"Make pairing code", "Создать код", "Crea codice"},
	"channel.ws":       {"websocket", "websocket", "websocket"},
	"channel.fcm":      {"push (FCM)", "push (FCM)", "push (FCM)"},
	"channel.none":     {"none", "нет", "nessuno"},
	"pair.for":         {"Pairing code for %s", "Код подключения для %s", "Codice di associazione per %s"},
	"pair.expires":     {"Scan it with the ringcard app or type the code. Expires at %s.", "Отсканируйте в приложении ringcard или введите код. Истекает в %s.", "Scansionalo con l'app ringcard o digita il codice. Scade alle %s."},
	"pair.server":      {"Server", "Сервер", "Server"},
	"pair.done":        {"Done: back to phones", "Готово: к телефонам", "Fatto: torna ai telefoni"},

	"settings.templates": {"Card templates", "Шаблоны карточек", "Modelli di scheda"},
	"settings.templateshelp": {"The first group template a contact's group matches is used; otherwise the default. The preview shows the phone card live.",
		"Используется первый шаблон, чья группа есть у контакта; иначе — основной. Превью показывает карточку телефона сразу.",
		"Si usa il primo modello il cui gruppo corrisponde a quello del contatto; altrimenti il predefinito. L'anteprima mostra la scheda del telefono in tempo reale."},
	"settings.default":     {"Default template", "Основной шаблон", "Modello predefinito"},
	"settings.newtpl":      {"New group template", "Новый шаблон группы", "Nuovo modello di gruppo"},
	"settings.tplname":     {"Name", "Название", "Nome"},
	"settings.tplgroup":    {"Group", "Группа", "Gruppo"},
	"settings.fields":      {"Fields", "Поля", "Campi"},
	"settings.fieldshelp":  {"one per line: key | label | #colour | size", "по одному в строке: ключ | подпись | #цвет | размер", "uno per riga: chiave | etichetta | #colore | dimensione"},
	"settings.fieldkeys":   {"Field keys", "Ключи полей", "Chiavi dei campi"},
	"settings.notemax":     {"Note length", "Длина заметки", "Lunghezza nota"},
	"settings.historymax":  {"History entries", "Записей истории", "Voci di cronologia"},
	"settings.bg":          {"Background", "Фон", "Sfondo"},
	"settings.accent":      {"Accent", "Акцент", "Accento"},
	"settings.text":        {"Text", "Текст", "Testo"},
	"settings.namesize":    {"Name size", "Размер имени", "Dimensione nome"},
	"settings.fieldsize":   {"Field size", "Размер полей", "Dimensione campi"},
	"settings.notesize":    {"Note size", "Размер заметки", "Dimensione nota"},
	"settings.save":        {"Save", "Сохранить", "Salva"},
	"settings.delete":      {"Delete", "Удалить", "Elimina"},
	"settings.saved":       {"Saved.", "Сохранено.", "Salvato."},
	"settings.users":       {"Staff accounts", "Учётные записи", "Account del personale"},
	"settings.active":      {"active", "активна", "attivo"},
	"settings.disabled":    {"disabled", "отключена", "disattivato"},
	"settings.disable":     {"Disable", "Отключить", "Disattiva"},
	"settings.enable":      {"Enable", "Включить", "Riattiva"},
	"settings.setpassword": {"New password", "Новый пароль", "Nuova password"},
	"settings.fullname":    {"Name shown in history", "Имя в истории", "Nome mostrato nella cronologia"},
	"settings.adduser":     {"Add account", "Добавить", "Aggiungi account"},
	"settings.sync":        {"Google Contacts sync", "Синхронизация с Google Контактами", "Sincronizzazione con Google Contatti"},
	"settings.language":    {"Language", "Язык", "Lingua"},
	"settings.browserlang": {"As the browser", "Как в браузере", "Come il browser"},
	"settings.attempts":    {"Recent sign-in attempts", "Последние попытки входа", "Tentativi di accesso recenti"},
	"sync.connected":       {"connected", "подключена", "collegata"},
	"sync.notconnected":    {"not connected", "не подключена", "non collegata"},
	"sync.last":            {"Last sync", "Последняя синхронизация", "Ultima sincronizzazione"},
	"sync.conflicts":       {"Conflicts to resolve: %d", "Конфликтов к разбору: %d", "Conflitti da risolvere: %d"},
	"sync.help": {"Contacts live only in ringcard until the Google sync is connected.", "Пока синхронизация не подключена, контакты хранятся только в ringcard.",
		"Finché la sincronizzazione non è collegata, i contatti restano solo in ringcard."},
	"login.ok":           {"ok", "успех", "ok"},
	"login.bad_password": {"wrong password", "неверный пароль", "password errata"},
	"login.unknown_user": {"unknown login", "неизвестный логин", "utente sconosciuto"},
	"login.disabled":     {"disabled account", "отключённая запись", "account disattivato"},
	"login.locked":       {"locked", "заблокирован", "bloccato"},

	"audit.who":     {"Who", "Кто", "Chi"},
	"audit.kind":    {"Kind", "Тип", "Tipo"},
	"audit.any":     {"any", "любой", "qualsiasi"},
	"audit.what":    {"What", "Что", "Cosa"},
	"audit.contact": {"Contact", "Контакт", "Contatto"},
	"audit.from":    {"From", "С", "Dal"},
	"audit.to":      {"To", "По", "Al"},
	"audit.filter":  {"Filter", "Показать", "Filtra"},
	"audit.when":    {"When", "Когда", "Quando"},
	"audit.from2":   {"From where", "Откуда", "Da dove"},
	"audit.detail":  {"Detail", "Подробности", "Dettagli"},
	"audit.none":    {"No entries match.", "Записей нет.", "Nessuna voce."},
	"actor.user":    {"office", "офис", "ufficio"},
	"actor.device":  {"phone", "телефон", "telefono"},
	"actor.sync":    {"Google sync", "синхронизация", "sincronizzazione"},
	"actor.cli":     {"admin command", "команда", "comando"},
	"actor.system":  {"system", "система", "sistema"},

	"dial.from":     {"Call from", "Звонить с", "Chiama da"},
	"dial.call":     {"Call", "Позвонить", "Chiama"},
	"dial.callback": {"Call back", "Перезвонить", "Richiama"},
	"dial.offline":  {"offline, by push", "не на связи, через push", "offline, via push"},
	"dial.sending":  {"Sending…", "Отправка…", "Invio…"},
	"dial.sent":     {"Sent to %s's phone.", "Отправлено на телефон: %s.", "Inviato al telefono di %s."},
	"dial.sentoffline": {"Sent to %s's phone; it is offline and gets it by push.", "Отправлено на телефон: %s; он не на связи и получит вызов через push.",
		"Inviato al telefono di %s; è offline e lo riceve via push."},
	"dial.failed": {"Not sent:", "Не отправлено:", "Non inviato:"},
	"dial.nophones": {"No paired phone can place calls: pair one on the Phones page.", "Нет подключённого телефона для звонков: подключите его на странице «Телефоны».",
		"Nessun telefono associato può chiamare: associane uno nella pagina Telefoni."},

	"board.silent":     {"%s's phone has been silent since %s", "Телефон %s молчит с %s", "Il telefono di %s tace dalle %s"},
	"board.silentdate": {"%s's phone has been silent since %s", "Телефон %s молчит с %s", "Il telefono di %s tace dal %s"},

	"devices.silent":       {"silent", "молчит", "silenzioso"},
	"devices.silentsince":  {"since %s", "с %s", "dal %s"},
	"devices.waiting":      {"%d events waiting", "ждут доставки: %d", "%d eventi in attesa"},
	"devices.lasterror":    {"Last error", "Последняя ошибка", "Ultimo errore"},
	"devices.policy":       {"What ringcard does with calls on", "Что ringcard делает со звонками на", "Cosa fa ringcard con le chiamate su"},
	"devices.policysaved":  {"Saved.", "Сохранено.", "Salvato."},
	"devices.policyfailed": {"Not saved:", "Не сохранено:", "Non salvato:"},
	"devices.policyhelp": {"Per SIM: work shows cards and logs calls; private shows cards but logs nothing; ignore does neither (a staff member's personal SIM).",
		"Для каждой SIM: «рабочая» — карточки и журнал звонков; «личная» — карточки без записи; «не трогать» — ни того, ни другого (личная SIM сотрудника).",
		"Per ogni SIM: lavoro mostra le schede e registra le chiamate; privata mostra le schede ma non registra nulla; ignora non fa né l'uno né l'altro (la SIM personale di un dipendente)."},
	"policy.work":    {"work: cards and call log", "рабочая: карточки и журнал", "lavoro: schede e registro"},
	"policy.private": {"private: cards, nothing logged", "личная: карточки без записи", "privata: schede, nessuna registrazione"},
	"policy.ignore":  {"ignore: no card, nothing logged", "не трогать: без карточек и записи", "ignora: nessuna scheda né registrazione"},

	"sync.now":       {"Sync now", "Синхронизировать", "Sincronizza ora"},
	"sync.started":   {"Sync started; reload the page in a moment to see the result.", "Синхронизация запущена; обновите страницу через минуту.", "Sincronizzazione avviata; ricarica la pagina tra poco per vedere il risultato."},
	"sync.runfailed": {"Not started:", "Не запущена:", "Non avviata:"},
	"sync.conflictshelp": {"Both ringcard and Google changed these fields. Keep one side, or type the value that should stay; the result goes to Google.",
		"Эти поля изменили и в ringcard, и в Google. Оставьте одно значение или введите нужное; результат уйдёт в Google.",
		"Questi campi sono stati modificati sia in ringcard sia in Google. Tieni un lato o scrivi il valore giusto; il risultato va a Google."},
	"sync.keeplocal":    {"Keep ringcard's", "Оставить из ringcard", "Tieni quello di ringcard"},
	"sync.keepgoogle":   {"Keep Google's", "Оставить из Google", "Tieni quello di Google"},
	"sync.typevalue":    {"Or type the value to keep", "Или введите значение", "Oppure scrivi il valore da tenere"},
	"sync.usevalue":     {"Use this value", "Сохранить это", "Usa questo valore"},
	"sync.resolved":     {"Resolved:", "Решено:", "Risolto:"},
	"sync.keptlocal":    {"kept ringcard's value", "оставлено значение из ringcard", "tenuto il valore di ringcard"},
	"sync.keptgoogle":   {"kept Google's value", "оставлено значение из Google", "tenuto il valore di Google"},
	"sync.keptvalue":    {"saved the typed value", "сохранено введённое значение", "salvato il valore scritto"},
	"sync.failed":       {"Not resolved:", "Не решено:", "Non risolto:"},
	"sync.deletedfield": {"deleted on one side", "удалён с одной стороны", "eliminato da una parte"},
}
