package web

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// Data words: the defaults ringcard ships (stage names, phone types, card
// field labels, audit actions) come translated; what the office typed
// itself (its own stages and labels) is shown as typed.

// stageWord is a stage name in lang: a default stage translated, an office's
// own stage as typed.
func stageWord(lang, s string) string { return wordOr(lang, "stage."+s, s) }

// typeWord is a phone, e-mail or address type in lang.
func typeWord(lang, s string) string { return wordOr(lang, "type."+strings.ToLower(s), s) }

// actionWord is an audit action in lang ("note.add" -> "Note added").
func actionWord(lang, s string) string { return wordOr(lang, "action."+s, s) }

// fieldLabel is a card field's label in lang: the default label of a
// built-in field translated, a label the office typed as typed.
func fieldLabel(lang, key, label string) string {
	for _, f := range contacts.KnownFields {
		if f.Key == key && f.Label == label {
			return wordOr(lang, "flabel."+key, label)
		}
	}
	return label
}

func wordOr(lang, key, s string) string {
	if _, ok := catalogue[key]; ok {
		return T(lang, key)
	}
	return s
}

// Date and number formats per language: what people there write.
var (
	dateLayouts = map[string]string{"en": "2006-01-02", "ru": "02.01.2006", "it": "02/01/2006"}
	datePlaceh  = map[string]string{"en": "yyyy-mm-dd", "ru": "дд.мм.гггг", "it": "gg/mm/aaaa"}
)

// dateLayout is the date layout of lang.
func dateLayout(lang string) string {
	if l, ok := dateLayouts[lang]; ok {
		return l
	}
	return dateLayouts["en"]
}

// localWhen is a time in the server's zone, in lang's date format.
func localWhen(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(dateLayout(lang) + " 15:04")
}

// localDate is a date in lang's format.
func localDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(dateLayout(lang))
}

// parseLocalDate reads a date typed in lang's format, or in ISO form
// (yyyy-mm-dd, what a browser's own date picker sends).
func parseLocalDate(lang, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range []string{dateLayout(lang), "2006-01-02"} {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, localErr(contacts.EInvalid, T(lang, "date.bad", s, datePlaceh[lang]))
}

// number formats n with lang's thousands separator.
func number(lang string, n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := map[string]string{"en": ",", "ru": "\u00a0", "it": "."}[lang]
	if sep == "" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// words are the catalogue's data words, merged into it at start.
var words = map[string][3]string{
	"stage.new":     {"new", "новый", "nuovo"},
	"stage.quoted":  {"quoted", "предложение", "preventivo"},
	"stage.ordered": {"ordered", "заказ", "ordinato"},
	"stage.paid":    {"paid", "оплачен", "pagato"},
	"stage.done":    {"done", "завершён", "concluso"},
	"stage.lost":    {"lost", "потерян", "perso"},

	"type.mobile": {"mobile", "мобильный", "cellulare"},
	"type.work":   {"work", "рабочий", "lavoro"},
	"type.home":   {"home", "домашний", "casa"},
	"type.main":   {"main", "основной", "principale"},
	"type.other":  {"other", "другой", "altro"},
	"type.fax":    {"fax", "факс", "fax"},

	"flabel.company":    {"Company", "Компания", "Azienda"},
	"flabel.job_title":  {"Job title", "Должность", "Ruolo"},
	"flabel.department": {"Department", "Отдел", "Reparto"},
	"flabel.nickname":   {"Nickname", "Прозвище", "Soprannome"},
	"flabel.stage":      {"Stage", "Этап", "Fase"},
	"flabel.groups":     {"Groups", "Группы", "Gruppi"},
	"flabel.phones":     {"Phones", "Телефоны", "Telefoni"},
	"flabel.email":      {"E-mail", "E-mail", "E-mail"},
	"flabel.address":    {"Address", "Адрес", "Indirizzo"},
	"flabel.website":    {"Website", "Сайт", "Sito web"},
	"flabel.birthday":   {"Birthday", "День рождения", "Compleanno"},

	"action.call.start":            {"Call started", "Начало звонка", "Chiamata iniziata"},
	"action.call.end":              {"Call ended", "Конец звонка", "Chiamata terminata"},
	"action.call.reopen":           {"Call still going on (the phone said so)", "Звонок ещё идёт (по данным телефона)", "Chiamata ancora in corso (lo dice il telefono)"},
	"action.contact.create":        {"Contact created", "Контакт создан", "Contatto creato"},
	"action.contact.update":        {"Contact changed", "Контакт изменён", "Contatto modificato"},
	"action.contact.delete":        {"Contact deleted", "Контакт удалён", "Contatto eliminato"},
	"action.contact.import":        {"Contact imported", "Контакт импортирован", "Contatto importato"},
	"action.contact.merge":         {"Contacts merged", "Контакты объединены", "Contatti uniti"},
	"action.contact.unmerge":       {"Merge undone", "Объединение отменено", "Unione annullata"},
	"action.contacts.import":       {"Contacts loaded", "Контакты загружены", "Contatti caricati"},
	"action.history.import":        {"History imported", "История импортирована", "Cronologia importata"},
	"action.note.add":              {"Note added", "Добавлена заметка", "Nota aggiunta"},
	"action.stage.set":             {"Stage moved", "Смена этапа", "Fase cambiata"},
	"action.device.pair":           {"Phone paired", "Телефон подключён", "Telefono associato"},
	"action.device.revoke":         {"Phone revoked", "Телефон отключён", "Telefono revocato"},
	"action.device.sim_policy":     {"SIM policy set", "Режим SIM изменён", "Uso della SIM cambiato"},
	"action.followup.add":          {"Follow-up added", "Добавлено напоминание", "Richiamo aggiunto"},
	"action.followup.update":       {"Follow-up changed", "Напоминание изменено", "Richiamo modificato"},
	"action.sync.conflict":         {"Sync conflict", "Конфликт синхронизации", "Conflitto di sincronizzazione"},
	"action.sync.conflict.resolve": {"Sync conflict resolved", "Конфликт решён", "Conflitto risolto"},
	"action.user.add":              {"Staff account added", "Добавлен сотрудник", "Utente aggiunto"},
	"action.user.disable":          {"Staff account disabled", "Учётная запись отключена", "Utente disattivato"},
	"action.user.enable":           {"Staff account enabled", "Учётная запись включена", "Utente riattivato"},
	"action.user.password":         {"Password changed", "Пароль изменён", "Password cambiata"},
	"action.signin.ok":             {"Signed in", "Вход", "Accesso"},
	"action.signin.bad_password":   {"Sign-in refused: wrong password", "Вход отклонён: неверный пароль", "Accesso rifiutato: password errata"},
	"action.signin.unknown_user":   {"Sign-in refused: unknown login", "Вход отклонён: неизвестный логин", "Accesso rifiutato: utente sconosciuto"},
	"action.signin.disabled":       {"Sign-in refused: account disabled", "Вход отклонён: учётная запись отключена", "Accesso rifiutato: utente disattivato"},
	"action.signin.throttled":      {"Sign-in refused: too many tries, wait", "Вход отклонён: слишком много попыток", "Accesso rifiutato: troppi tentativi"},
	"action.signin.locked":         {"Sign-in refused: locked", "Вход отклонён: блокировка", "Accesso rifiutato: bloccato"},
	"action.user.role.admin":       {"Made an admin", "Назначен администратором", "Reso amministratore"},
	"action.user.role.staff":       {"Made staff", "Назначен сотрудником", "Reso collaboratore"},
	"action.user.unlock":           {"Sign-in unlocked", "Вход разблокирован", "Accesso sbloccato"},
	"action.access.denied":         {"Refused: needs an admin", "Отказано: нужен администратор", "Rifiutato: serve un amministratore"},
	"action.group.rename":          {"Group renamed", "Группа переименована", "Gruppo rinominato"},
	"action.group.delete":          {"Group deleted", "Группа удалена", "Gruppo eliminato"},
	"action.contact.optout":        {"No SMS / no e-mail changed", "Изменён запрет СМС / писем", "Modificato il divieto di SMS / e-mail"},
	"action.message.queue":         {"Message written", "Сообщение написано", "Messaggio scritto"},
	"action.message.sent":          {"Message sent", "Сообщение отправлено", "Messaggio inviato"},
	"action.message.failed":        {"Message not sent", "Сообщение не отправлено", "Messaggio non inviato"},
	"action.message.send":          {"Group send started", "Начата рассылка", "Invio di gruppo avviato"},
	"action.message.handoff":       {"Message moved to another phone", "Сообщение передано другому телефону", "Messaggio passato a un altro telefono"},
	"action.order.create":          {"Order created", "Создан заказ", "Ordine creato"},
	"action.order.update":          {"Order changed", "Заказ изменён", "Ordine modificato"},
	"action.order.stage":           {"Order moved to a stage", "Заказ переведён на этап", "Ordine spostato di fase"},
	"action.payment.record":        {"Payment recorded", "Платёж записан", "Pagamento registrato"},
	"action.document.issue":        {"Document issued", "Документ выставлен", "Documento emesso"},

	"date.bad": {"%q is not a date: write it as %s.", "«%s» — не дата: пишите как %s.", "%q non è una data: scrivila come %s."},
}

// auditWords word the audit log.
var auditWords = map[string][3]string{
	"audit.cli":           {"Server command line", "Командная строка сервера", "Riga di comando del server"},
	"audit.cliuser":       {"account %s on the server", "учётная запись %s на сервере", "account %s sul server"},
	"audit.web":           {"web, %s", "веб, %s", "web, %s"},
	"audit.gonephone":     {"a phone no longer paired", "отключённый телефон", "un telefono non più associato"},
	"audit.deletedgoogle": {"deleted in Google", "удалён в Google", "eliminato in Google"},
	"audit.ncontacts":     {"%s contacts", "контактов: %s", "%s contatti"},

	"audit.reopen":           {"the phone says it is still going on", "телефон сообщает, что звонок ещё идёт", "il telefono dice che è ancora in corso"},
	"audit.mergedinto":       {"merged into %s (%s), merge %s", "объединён с %s (%s), объединение %s", "unito a %s (%s), unione %s"},
	"audit.merged":           {"merged %s (%s) into it, merge %s", "в него объединён %s (%s), объединение %s", "vi è stato unito %s (%s), unione %s"},
	"audit.unmergedback":     {"undid merge %s: %s is back", "объединение %s отменено: %s снова отдельно", "unione %s annullata: %s è tornato"},
	"audit.unmerged":         {"undid merge %s", "объединение %s отменено", "unione %s annullata"},
	"audit.keptapart":        {"kept apart: goes to Google as a new contact", "оставлен отдельно: уйдёт в Google новым контактом", "tenuto separato: va su Google come nuovo contatto"},
	"audit.ownapart":         {"no longer ambiguous: kept as its own contact", "больше не спорно: оставлен отдельным контактом", "non più ambiguo: tenuto come contatto a sé"},
	"audit.linked":           {"linked to Google contact %s", "связан с контактом Google %s", "collegato al contatto Google %s"},
	"audit.keptlocal":        {"%s: kept ringcard's value", "%s: оставлено значение из ringcard", "%s: tenuto il valore di ringcard"},
	"audit.keptgoogle":       {"%s: kept Google's value", "%s: оставлено значение из Google", "%s: tenuto il valore di Google"},
	"audit.keptvalue":        {"%s: saved a typed value", "%s: сохранено введённое значение", "%s: salvato un valore scritto"},
	"audit.historyimport":    {"%s: %s calls and notes of numbers without a contact", "%s: звонков и заметок номеров без контакта: %s", "%s: %s chiamate e note di numeri senza contatto"},
	"audit.simpolicy":        {"%s SIM %s: %s", "%s, SIM %s: %s", "%s SIM %s: %s"},
	"audit.optoutreply":      {"%s, %s (a reply to SIM %s)", "%s, %s (ответ на SIM %s)", "%s, %s (risposta alla SIM %s)"},
	"audit.optoutoffice":     {"%s, %s (in the office: %s)", "%s, %s (в офисе: %s)", "%s, %s (in ufficio: %s)"},
	"audit.optoutimport":     {"%s, %s (import %s, row %s)", "%s, %s (импорт %s, строка %s)", "%s, %s (importazione %s, riga %s)"},
	"optout.sms.true":        {"No SMS", "Не отправлять СМС", "Non inviare SMS"},
	"optout.sms.false":       {"SMS allowed", "СМС можно", "SMS consentiti"},
	"optout.email.true":      {"No e-mail", "Не отправлять письма", "Non inviare e-mail"},
	"optout.email.false":     {"E-mail allowed", "Письма можно", "E-mail consentite"},
	"audit.fudone":           {"done", "сделано", "fatto"},
	"audit.fucancelled":      {"cancelled", "отменено", "annullato"},
	"audit.fusnoozed":        {"snoozed to %s", "отложено до %s", "rimandato a %s"},
	"audit.fugiven":          {"given by %s to %s", "передано от %s к %s", "passato da %s a %s"},
	"audit.futext":           {"text changed", "текст изменён", "testo cambiato"},
	"endreason.next_call":    {"a newer call started on the phone", "на телефоне начался новый звонок", "sul telefono è iniziata un'altra chiamata"},
	"endreason.open_limit":   {"open too long", "открыт слишком долго", "aperta troppo a lungo"},
	"endreason.phone_gone":   {"the phone went away", "телефон пропал со связи", "il telefono si è disconnesso"},
	"endreason.phone_resume": {"the phone came back without it", "телефон вернулся без этого звонка", "il telefono è tornato senza di essa"},

	"audit.signinlogin":  {"as %q", "как «%s»", "come %q"},
	"audit.knownbrowser": {"from a browser that signed in before", "из браузера, где уже входили", "da un browser già usato per accedere"},

	"changed.name":      {"name", "имя", "nome"},
	"changed.company":   {"company", "компания", "azienda"},
	"changed.numbers":   {"numbers", "номера", "numeri"},
	"changed.emails":    {"e-mails", "e-mail", "e-mail"},
	"changed.addresses": {"addresses", "адреса", "indirizzi"},
	"changed.websites":  {"websites", "сайты", "siti web"},
	"changed.birthday":  {"birthday", "день рождения", "compleanno"},
	"changed.groups":    {"groups", "группы", "gruppi"},
	"changed.note":      {"note", "заметка", "nota"},
	"changed.custom":    {"other fields", "другие поля", "altri campi"},
	"changed.photo":     {"photo", "фото", "foto"},
	"changed.stage":     {"stage", "этап", "fase"},
}

// startWords word the start page.
var startWords = map[string][3]string{
	"start.followups":            {"Follow-ups due", "Пора сделать", "Richiami da fare"},
	"start.allfollowups":         {"all mine", "все мои", "tutti i miei"},
	"start.nofollowups":          {"Nothing due today.", "На сегодня ничего.", "Niente in scadenza oggi."},
	"start.allcalls":             {"all calls", "все звонки", "tutte le chiamate"},
	"start.inprogress":           {"Calls in progress", "Идут сейчас", "Chiamate in corso"},
	"start.touched":              {"Clients touched last", "Последние клиенты", "Ultimi clienti"},
	"start.notouched":            {"No calls or notes yet.", "Звонков и заметок пока нет.", "Ancora nessuna chiamata o nota."},
	"error.code.not_found":       {"This page or record does not exist (or was deleted).", "Такой страницы или записи нет (или она удалена).", "Questa pagina o questo dato non esiste (o è stato eliminato)."},
	"error.code.invalid_request": {"Something in the form is not right:", "В форме что-то не так:", "Qualcosa nel modulo non va:"},
	"error.code.invalid_number":  {"That phone number cannot be read:", "Этот номер не читается:", "Questo numero non si legge:"},
	"error.code.conflict":        {"Someone else changed this at the same time:", "Кто-то изменил это одновременно с вами:", "Qualcun altro l'ha modificato nello stesso momento:"},
	"error.code.unauthorized":    {"Please sign in again.", "Войдите снова.", "Accedi di nuovo."},
	"error.code.rate_limited":    {"Too many requests: wait a moment and try again.", "Слишком много запросов: подождите и повторите.", "Troppe richieste: aspetta un momento e riprova."},
	"error.code.too_large":       {"That is too large:", "Слишком большой объём:", "Troppo grande:"},
	"error.code.internal":        {"The server could not do this; the details are in its log.", "Сервер не смог это сделать; подробности в его журнале.", "Il server non è riuscito; i dettagli sono nel suo log."},
	"pair.loopback": {"A phone can't reach %s: it is this computer's own address. This code will not pair a phone.",
		"Телефон не достучится до %s: это адрес самого компьютера. Этим кодом телефон не подключить.",
		"Un telefono non raggiunge %s: è l'indirizzo di questo computer. Con questo codice nessun telefono si associa."},
	"pair.loopbackfix": {"Start the server so the office network reaches it, then pair again:", "Запустите сервер так, чтобы его видела сеть офиса, и подключите снова:",
		"Avvia il server in modo che la rete dell'ufficio lo raggiunga, poi associa di nuovo:"},
	"pair.lanip":        {"this computer's LAN address", "адрес компьютера в сети", "indirizzo di rete del computer"},
	"dial.offlinewaits": {"offline, gets it when back online", "не на связи, получит при подключении", "offline, lo riceve quando torna in linea"},
	"dial.sentwaits": {"Sent to %s's phone; it is offline and gets it when it connects again.", "Отправлено на телефон: %s; он не на связи и получит вызов при подключении.",
		"Inviato al telefono di %s; è offline e lo riceve quando si ricollega."},
	"fu.timeph": {"hh:mm", "чч:мм", "hh:mm"},
	"fu.baddue": {"%q is not a date and time: write it as %s.", "«%s» — не дата и время: пишите как %s.", "%q non è una data con ora: scrivila come %s."},
	"nav.menu":  {"Menu", "Меню", "Menu"},
}

// init merges the data words into the catalogue (one table for T and for
// the tests that check pages against it).
func init() {
	for _, m := range []map[string][3]string{words, auditWords, startWords, importWords, mapWords, errWords, msgTplWords} {
		for k, v := range m {
			if _, dup := catalogue[k]; dup {
				panic("catalogue: duplicate key " + k)
			}
			catalogue[k] = v
		}
	}
}

// typeKeys are the phone and e-mail types ringcard knows, in its order.
var typeKeys = []string{"mobile", "work", "home", "main", "other", "fax"}

// typesIn words the types of "value | type | label" lines in lang, for a
// form the user edits.
func typesIn(lang, text string) string {
	return mapTypes(text, func(s string) string { return typeWord(lang, s) })
}

// typesOut reads the types of "value | type | label" lines typed in any of
// the languages back to ringcard's own ("мобильный" -> "mobile"); a type
// the office made up stays as typed.
func typesOut(text string) string {
	return mapTypes(text, func(s string) string {
		for _, k := range typeKeys {
			for _, w := range catalogue["type."+k] {
				if strings.EqualFold(s, w) {
					return k
				}
			}
		}
		return s
	})
}

func mapTypes(text string, fn func(string) string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		p := strings.SplitN(line, "|", 3)
		if len(p) < 2 {
			continue
		}
		t := strings.TrimSpace(p[1])
		if t == "" {
			continue
		}
		p[1] = " " + fn(t)
		if len(p) == 3 {
			p[1] += " "
		}
		lines[i] = strings.Join(p, "|")
	}
	return strings.Join(lines, "\n")
}

// mapField names an import field in lang ("custom:VAT" as "own field “VAT”").
func mapField(lang, f string) string {
	if k, ok := strings.CutPrefix(f, "custom:"); ok {
		return T(lang, "mapfield.custom", k)
	}
	return wordOr(lang, "mapfield."+f, f)
}

// importRule words one kind of import row reason or note in the user's
// language; the reasons come from server/dataio in English (the CLI's
// words) and are matched whole.
type importRule struct {
	re  *regexp.Regexp
	key string
}

var (
	asRowRE     = regexp.MustCompile(`^(.*) as row (\d+)$`)
	importRules = []importRule{
		{regexp.MustCompile(`^new contact$`), "import.new"},
		{regexp.MustCompile(`^already there \((.*)\), nothing new$`), "import.already"},
		{regexp.MustCompile(`^same ringcard ID$`), "import.sameid"},
		{regexp.MustCompile(`^same number (.+)$`), "import.samenumber"},
		{regexp.MustCompile(`^same e-mail (.+)$`), "import.sameemail"},
		{regexp.MustCompile(`^empty row$`), "import.empty"},
		{regexp.MustCompile(`^no name, company, number or e-mail$`), "import.nothing"},
		{regexp.MustCompile(`^no readable number and no real name: (.*)$`), "import.nonumber"},
		{regexp.MustCompile(`^dropped (.*)$`), "import.dropped"},
		{regexp.MustCompile(`^number (.+) read as (.+) \(a leading 0 or \+ was lost\)$`), "import.leading0"},
		{regexp.MustCompile(`^birthday "(.*)" not understood: kept as a custom field$`), "import.birthdaykept"},
		{regexp.MustCompile(`^birthday "(.*)" not understood, dropped$`), "import.birthdaydropped"},
		{regexp.MustCompile(`^(.*) "(.*)" not understood: not opted out$`), "import.optoutbad"},
		{regexp.MustCompile(`^not a readable vCard: (.*)$`), "import.badvcard"},
		{regexp.MustCompile(`^text read as (.*)$`), "import.encoding"},
		{regexp.MustCompile(`^(.*): (\d+) history lines not understood, skipped$`), "import.badhistory"},
		{regexp.MustCompile(`^(.*): (\d+) stage changes of contacts not in the file, skipped$`), "import.loststages"},
	}
)

// importText is an import reason, note or warning in lang; one it does not
// know is shown as written.
func importText(lang, s string) string {
	if m := asRowRE.FindStringSubmatch(s); m != nil {
		return importText(lang, m[1]) + " " + T(lang, "import.asrow", m[2])
	}
	for _, r := range importRules {
		m := r.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, 0, len(m)-1)
		for _, a := range m[1:] {
			if r.key == "import.already" {
				a = importText(lang, a) // the match it was found by
			}
			args = append(args, a)
		}
		return T(lang, r.key, args...)
	}
	return s
}

// importWords word the import page's reasons.
var importWords = map[string][3]string{
	"import.new":             {"new contact", "новый контакт", "nuovo contatto"},
	"import.already":         {"already there (%s), nothing new", "уже есть (%s), ничего нового", "già presente (%s), niente di nuovo"},
	"import.sameid":          {"same ringcard ID", "тот же ID ringcard", "stesso ID ringcard"},
	"import.samenumber":      {"same number %s", "тот же номер %s", "stesso numero %s"},
	"import.sameemail":       {"same e-mail %s", "тот же e-mail %s", "stessa e-mail %s"},
	"import.asrow":           {"as row %s", "как в строке %s", "come la riga %s"},
	"import.empty":           {"empty row", "пустая строка", "riga vuota"},
	"import.nothing":         {"no name, company, number or e-mail", "нет имени, компании, номера или e-mail", "nessun nome, azienda, numero o e-mail"},
	"import.nonumber":        {"no readable number and no real name: %s", "нет читаемого номера и настоящего имени: %s", "nessun numero leggibile né nome vero: %s"},
	"import.dropped":         {"dropped %s", "отброшено: %s", "scartato %s"},
	"import.leading0":        {"number %s read as %s (a leading 0 or + was lost)", "номер %s прочитан как %s (потерян начальный 0 или +)", "numero %s letto come %s (era andato perso uno 0 o un + iniziale)"},
	"import.birthdaykept":    {"birthday %q not understood: kept as a custom field", "день рождения «%s» не понят: сохранён как отдельное поле", "compleanno %q non capito: tenuto come campo personalizzato"},
	"import.optoutbad":       {"%s %q not understood: not opted out", "%s «%s» не понято: отказ не отмечен", "%s %q non capito: rifiuto non segnato"},
	"import.birthdaydropped": {"birthday %q not understood, dropped", "день рождения «%s» не понят, отброшен", "compleanno %q non capito, scartato"},
	"import.badvcard":        {"not a readable vCard: %s", "не читаемая vCard: %s", "vCard non leggibile: %s"},
	"import.encoding":        {"text read as %s", "текст прочитан как %s", "testo letto come %s"},
	"import.badhistory":      {"%s: %s history lines not understood, skipped", "%s: строк истории не понято и пропущено: %s", "%s: %s righe di cronologia non capite, saltate"},
	"import.loststages":      {"%s: %s stage changes of contacts not in the file, skipped", "%s: пропущено смен этапа контактов, которых нет в файле: %s", "%s: %s cambi di fase di contatti non presenti nel file, saltati"},
}

// mapWords name the fields an import column can be read as (dataio.Fields).
var mapWords = map[string][3]string{
	"mapfield.id":            {"ringcard ID", "ID ringcard", "ID ringcard"},
	"mapfield.name":          {"full name", "полное имя", "nome completo"},
	"mapfield.given":         {"given name", "имя", "nome"},
	"mapfield.middle":        {"middle name", "отчество", "secondo nome"},
	"mapfield.family":        {"family name", "фамилия", "cognome"},
	"mapfield.nickname":      {"nickname", "прозвище", "soprannome"},
	"mapfield.company":       {"company name", "название компании", "nome dell'azienda"},
	"mapfield.title":         {"job title", "должность", "ruolo"},
	"mapfield.department":    {"department", "отдел", "reparto"},
	"mapfield.phone":         {"phone number", "номер телефона", "numero di telefono"},
	"mapfield.mobile":        {"mobile number", "мобильный номер", "numero di cellulare"},
	"mapfield.work_phone":    {"work number", "рабочий номер", "numero dell'ufficio"},
	"mapfield.home_phone":    {"home number", "домашний номер", "numero di casa"},
	"mapfield.fax":           {"fax number", "номер факса", "numero di fax"},
	"mapfield.email":         {"e-mail address", "адрес e-mail", "indirizzo e-mail"},
	"mapfield.address":       {"full address", "полный адрес", "indirizzo completo"},
	"mapfield.street":        {"street", "улица", "via"},
	"mapfield.city":          {"city", "город", "città"},
	"mapfield.zip":           {"postcode", "индекс", "CAP"},
	"mapfield.province":      {"province", "область", "provincia"},
	"mapfield.country":       {"country", "страна", "paese"},
	"mapfield.website":       {"website", "сайт", "sito web"},
	"mapfield.birthday":      {"date of birth", "дата рождения", "data di nascita"},
	"mapfield.groups":        {"group names", "названия групп", "nomi dei gruppi"},
	"mapfield.note":          {"contact note", "заметка о контакте", "nota sul contatto"},
	"mapfield.stage":         {"order stage", "этап заказа", "fase dell'ordine"},
	"mapfield.photo":         {"photo address", "адрес фото", "indirizzo della foto"},
	"mapfield.resource_name": {"Google contact ID", "ID контакта Google", "ID del contatto Google"},
	"mapfield.no_sms":        {"no SMS (opt-out)", "не отправлять СМС (отказ)", "non inviare SMS (rifiuto)"},
	"mapfield.no_email":      {"no e-mail (opt-out)", "не отправлять письма (отказ)", "non inviare e-mail (rifiuto)"},
	"mapfield.ignore":        {"(leave out)", "(не брать)", "(tralascia)"},
	"mapfield.custom":        {"own field “%s”", "своё поле «%s»", "campo proprio “%s”"},
}
