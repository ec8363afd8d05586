package web

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
)

// Errors in the user's language. The domain's errors carry a stable code
// and an English message ("field: what is wrong", quoting the value at
// fault); the phone API sends them as they are. The web view words them
// for a person: an English page shows the message, a Russian or Italian
// one the common errors from their code and parts (the field at fault, the
// value the user typed, a limit), and any other by its code, naming the
// field and quoting the user's own input it was about.

// inLang is an error whose message is already in the user's language (a
// date the user typed wrong, the admin-only refusal).
type inLang struct{ err *contacts.Error }

func (e inLang) Error() string { return e.err.Error() }
func (e inLang) Unwrap() error { return e.err }

// localErr is a domain error whose message is in the user's language.
func localErr(code, msg string) error { return inLang{&contacts.Error{Code: code, Message: msg}} }

// errRule words one kind of domain error; its groups are the message's
// parts, given to the catalogue entry in order.
type errRule struct {
	re  *regexp.Regexp
	key string
}

// quoted is a Go-quoted value in a message (%q): the user's own input.
const quoted = `("(?:[^"\\]|\\.)*")`

var quotedRE = regexp.MustCompile(quoted)

var errRules = []errRule{
	{regexp.MustCompile(`^(?:numbers\[\d+\]: )?(?:number: )?` + quoted + ` is too long to be a phone number$`), "err.numberlong"},
	{regexp.MustCompile(`^(?:numbers\[\d+\]: )?(?:number: )?` + quoted + ` has no digits$`), "err.nodigits"},
	{regexp.MustCompile(`^(?:numbers\[\d+\]: )?(?:number: )?` + quoted + ` is not a phone number$`), "err.notnumber"},
	{regexp.MustCompile(`^display_name: a contact needs a name, a company or a number$`), "err.needsname"},
	{regexp.MustCompile(`^([a-z_]+)(?:\[\d+\])?(?:\.[a-z_]+)?: (?:required|must not be empty|a name is required)\b`), "err.required"},
	{regexp.MustCompile(`^([a-z_]+)(?:\[\d+\])?(?:\.[a-z_]+)?: (?:longer than|at most) (\d+) (?:bytes|characters)`), "err.toolong"},
	{regexp.MustCompile(`^([a-z_]+): at most (\d+)$`), "err.toomany"},
	{regexp.MustCompile(`^password: at least (\d+) characters$`), "err.pwshort"},
	{regexp.MustCompile(`^login: required, at most 100 bytes, no spaces$`), "err.login"},
	{regexp.MustCompile(`^login: ` + quoted + ` is already taken$`), "err.logintaken"},
	{regexp.MustCompile(`^(.+) is the last active admin: make another account admin first$`), "err.lastadmin"},
	{regexp.MustCompile(`^you cannot disable your own account$`), "err.ownaccount"},
	{regexp.MustCompile(`^emails: ` + quoted + ` is not an e-mail address$`), "err.email"},
	{regexp.MustCompile(`^custom: ` + quoted + ` is not "key: value"$`), "err.custom"},
	{regexp.MustCompile(`^stage: ` + quoted + ` is not one of `), "err.stage"},
	{regexp.MustCompile(`^contact \S+ was changed by someone else meanwhile`), "err.changed"},
	{regexp.MustCompile(`^(?:contact|device|user|follow-up|call|conflict|merge|message|send) .* not found\b|^.* not found$`), "err.notfound"},
	{regexp.MustCompile(`^device \S+ was revoked$`), "err.revoked"},
	{regexp.MustCompile(`^the form's security token is missing or stale`), "err.csrf"},
	{regexp.MustCompile(`^the request is larger than (\d+) MB$`), "err.requestlarge"},
	{regexp.MustCompile(`^.+ is larger than (\d+) MB: split the file$`), "data.toolarge"},
	{regexp.MustCompile(`^fields: size ` + quoted + ` is not a number from 1 to 60$`), "err.fieldsize"},
	{regexp.MustCompile(`^.*\.fields\[\d+\]\.key: unknown field ` + quoted + `$`), "err.fieldkey"},
	{regexp.MustCompile(`^.*(?:color|style\.[a-z]+): ` + quoted + ` is not #rrggbb$`), "err.colour"},
	{regexp.MustCompile(`^.+ is empty$`), "err.fileempty"},
	{regexp.MustCompile(`^.+ is an old Excel \.xls`), "err.xls"},
	{regexp.MustCompile(`^.+ is not a workbook, CSV or vCard file`), "err.notafile"},
	{regexp.MustCompile(`^not a readable Excel workbook`), "err.notafile"},
	{regexp.MustCompile(`^no header row found`), "err.noheader"},
	{regexp.MustCompile(`^the file has no rows$|^the workbook has no sheet with contacts$|^no vCards found`), "err.norows"},
	{regexp.MustCompile(`^Google Contacts is not connected`), "err.nogoogle"},
	{regexp.MustCompile(`^(?:templates\[\d+\]: )?template: unknown placeholder \{([^}]*)\} \(known: ([^)]*)\)$`), "err.placeholder"},
	{regexp.MustCompile(`^(?:templates\[\d+\]: )?a second (sms|email) template ` + quoted + ` in ([a-z]+)$`), "err.tpltwice"},
}

// errFields name the fields errors are about ("display_name: ...").
var errFields = map[string]string{
	"display_name": "f.displayname", "name": "f.displayname", "note": "f.note", "text": "f.note",
	"numbers": "f.phones", "number": "f.phones", "emails": "f.emails", "custom": "f.custom",
	"stage": "f.stage", "groups": "f.groups", "group": "f.groups", "login": "signin.login",
	"password": "signin.password", "role": "settings.role", "assignee": "fu.assignee",
	"due_at": "fu.due", "until": "fu.due", "fields": "settings.fields",
}

// errDetail words err's parts in lang: the field at fault and the value the
// user typed; "" when it has neither. matched tells that a rule worded the
// whole error (no need for the code's sentence before it).
func errDetail(lang string, err error) (text string, matched bool) {
	msg := contacts.ErrorMessage(err)
	var il inLang
	if errors.As(err, &il) {
		return msg, true
	}
	if lang == "en" || lang == "" {
		return msg, true
	}
	for _, r := range errRules {
		m := r.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, 0, len(m)-1)
		for _, a := range m[1:] {
			args = append(args, errArg(lang, a))
		}
		return T(lang, r.key, args...), true
	}
	var parts []string
	if strings.Contains(msg, ": ") {
		if k, ok := errFields[fieldKey(msg)]; ok {
			parts = append(parts, T(lang, k))
		}
	}
	parts = append(parts, quotedRE.FindAllString(msg, 3)...)
	return strings.Join(parts, ": "), false
}

// fieldKey is the field an error message starts with ("numbers[2].number:
// ..." -> numbers).
func fieldKey(msg string) string {
	f, _, _ := strings.Cut(msg, ": ")
	if i := strings.IndexAny(f, "[."); i >= 0 {
		f = f[:i]
	}
	return f
}

// errArg is one part of a message as shown: a field named in lang, a
// quoted value unquoted (the catalogue quotes it its own way), a number as
// it is.
func errArg(lang, a string) any {
	if k, ok := errFields[a]; ok {
		return T(lang, k)
	}
	if strings.HasPrefix(a, `"`) {
		if s, err := strconv.Unquote(a); err == nil {
			return s
		}
	}
	return a
}

// errText is what a person reads about err in lang, on a page or after
// "Not sent:".
func errText(lang string, err error) string {
	d, matched := errDetail(lang, err)
	if matched {
		return d
	}
	code := contacts.ErrorCode(err)
	s := wordOr(lang, "error.code."+code, wordOr(lang, "err."+code, T(lang, "err.other")))
	if d == "" {
		return strings.TrimSuffix(s, ":")
	}
	if !strings.HasSuffix(s, ":") {
		s += " —"
	}
	return s + " " + d
}

// errWords word the errors (errtext.go).
var errWords = map[string][3]string{
	"err.numberlong":   {"%q is too long to be a phone number.", "«%s» слишком длинный для номера телефона.", "%q è troppo lungo per un numero di telefono."},
	"err.nodigits":     {"%q has no digits.", "В «%s» нет цифр.", "%q non contiene cifre."},
	"err.notnumber":    {"%q is not a phone number.", "«%s» — не номер телефона.", "%q non è un numero di telefono."},
	"err.needsname":    {"A contact needs a name, a company or a number.", "У контакта должно быть имя, компания или номер.", "Un contatto deve avere un nome, un'azienda o un numero."},
	"err.required":     {"%s: required.", "%s: нужно заполнить.", "%s: obbligatorio."},
	"err.toolong":      {"%s: too long (at most %s bytes).", "%s: слишком длинно (не больше %s байт).", "%s: troppo lungo (al massimo %s byte)."},
	"err.toomany":      {"%s: at most %s.", "%s: не больше %s.", "%s: al massimo %s."},
	"err.pwshort":      {"The password needs at least %s characters.", "В пароле должно быть не меньше %s символов.", "La password deve avere almeno %s caratteri."},
	"err.login":        {"The login is required, at most 100 characters, without spaces.", "Логин обязателен: до 100 символов, без пробелов.", "L'utente è obbligatorio: al massimo 100 caratteri, senza spazi."},
	"err.logintaken":   {"The login %q is already taken.", "Логин «%s» уже занят.", "L'utente %q esiste già."},
	"err.lastadmin":    {"%s is the last active admin: make another account admin first.", "%s — последний активный администратор: сначала назначьте администратором другую учётную запись.", "%s è l'ultimo amministratore attivo: prima rendi amministratore un altro account."},
	"err.ownaccount":   {"You cannot disable your own account.", "Нельзя отключить собственную учётную запись.", "Non puoi disattivare il tuo account."},
	"err.email":        {"%q is not an e-mail address.", "«%s» — не адрес e-mail.", "%q non è un indirizzo e-mail."},
	"err.custom":       {"%q is not written as “key: value”.", "«%s» записано не как «ключ: значение».", "%q non è scritto come “chiave: valore”."},
	"err.stage":        {"%q is not one of the stages.", "«%s» — не этап воронки.", "%q non è una delle fasi."},
	"err.changed":      {"Someone else changed this contact meanwhile: reload it and make the change again.", "Кто-то изменил этот контакт за это время: обновите его и внесите изменение снова.", "Qualcun altro ha modificato il contatto nel frattempo: ricaricalo e rifai la modifica."},
	"err.notfound":     {"It does not exist (or was deleted).", "Этого нет (или оно удалено).", "Non esiste (o è stato eliminato)."},
	"err.revoked":      {"That phone was revoked.", "Этот телефон отключён.", "Quel telefono è stato revocato."},
	"err.csrf":         {"The form's security token is missing or stale: reload the page and try again.", "Ключ безопасности формы устарел или отсутствует: обновите страницу и повторите.", "Il codice di sicurezza del modulo manca o è scaduto: ricarica la pagina e riprova."},
	"err.requestlarge": {"The request is larger than %s MB.", "Запрос больше %s МБ.", "La richiesta supera %s MB."},
	"err.fieldsize":    {"Size %q is not a number from 1 to 60.", "Размер «%s» — не число от 1 до 60.", "La dimensione %q non è un numero da 1 a 60."},
	"err.fieldkey":     {"%q is not a field ringcard knows.", "«%s» — неизвестное поле.", "%q non è un campo che ringcard conosce."},
	"err.colour":       {"%q is not a colour written #rrggbb.", "«%s» — не цвет в виде #rrggbb.", "%q non è un colore scritto #rrggbb."},
	"err.fileempty":    {"The file is empty.", "Файл пустой.", "Il file è vuoto."},
	"err.xls":          {"This is an old Excel .xls file: open it in Excel or LibreOffice and save it as .xlsx.", "Это старый файл Excel .xls: откройте его в Excel или LibreOffice и сохраните как .xlsx.", "È un vecchio file Excel .xls: aprilo in Excel o LibreOffice e salvalo come .xlsx."},
	"err.notafile":     {"This is not a workbook, CSV or vCard file ringcard can read.", "Это не книга Excel, не CSV и не vCard, которые ringcard может прочитать.", "Non è una cartella Excel, un CSV o un vCard che ringcard sa leggere."},
	"err.noheader":     {"No row of column names found (such as Name, Phone) in the first 15 rows.", "В первых 15 строках не найдена строка с названиями столбцов (например, Имя, Телефон).", "Nessuna riga con i nomi delle colonne (come Nome, Telefono) nelle prime 15 righe."},
	"err.norows":       {"The file has no contacts in it.", "В файле нет контактов.", "Il file non contiene contatti."},
	"err.nogoogle":     {"Google Contacts is not connected.", "Google Контакты не подключены.", "Google Contatti non è collegato."},
	"err.other":        {"It could not be done:", "Не получилось:", "Non è stato possibile:"},
	"err.forbidden":    {"This is not allowed.", "Это не разрешено.", "Non è consentito."},
}

// ErrorText is err worded for the person signed in to the web view who made
// request c, in their language; "" when c has no web session (a phone, a
// script with a token). The office API adds it to its error replies so the
// pages can show it after "Not sent:" and the like.
func (h *Handler) ErrorText(c *gin.Context, err error) string {
	if currentSession(c) == nil {
		return ""
	}
	return errText(h.lang(c), err)
}
