package web

import (
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// The audit details ringcard writes in English read in Russian; what
// people typed or named stays as written.
func TestAuditDetailWords(t *testing.T) {
	due := time.Date(2026, 12, 7, 15, 30, 0, 0, time.Local)
	for _, c := range []struct{ action, in, want string }{
		{"call.end", "Incoming, end not reported (phone gone)", "Входящий, конец не сообщён (телефон пропал со связи)"},
		{"call.end", "Outgoing, answered, 3m04s", "Исходящий, отвечен, 3m04s"},
		{"contact.merge", "merged into demo-0002 (Rossi Srl), merge 7", "объединён с demo-0002 (Rossi Srl), объединение 7"},
		{"contact.unmerge", "undid merge 7: demo-0009 is back", "объединение 7 отменено: demo-0009 снова отдельно"},
		{"sync.conflict.resolve", "job title: google", "Должность: оставлено значение из Google"},
		{"sync.conflict.resolve", "match: link to people/c42", "связан с контактом Google people/c42"},
		{"sync.conflict", "company", "Компания"},
		{"followup.update", "done, reassigned from anna to marco", "сделано, передано от anna к marco"},
		{"followup.update", "snoozed to " + due.Format(time.RFC3339), "отложено до 07.12.2026 15:30"},
		{"device.sim_policy", "Giulia SIM 2: private", "Giulia, SIM 2: личная: карточки без записи"},
		{"call.reopen", "the phone says it is still going on", "телефон сообщает, что звонок ещё идёт"},
		{"contact.optout", "no SMS: true, no e-mail: false (SMS reply to SIM Work)", "Не отправлять СМС, Письма можно (ответ на SIM Work)"},
		{"contact.optout", "no SMS: false, no e-mail: true (office: Anna Bianchi)", "СМС можно, Не отправлять письма (в офисе: Anna Bianchi)"},
		{"contact.optout", "no SMS: true, no e-mail: true (import clients.xlsx row 12)", "Не отправлять СМС, Не отправлять письма (импорт clients.xlsx, строка 12)"},
		{"note.add", "Stage: call back", "Stage: call back"}, // a note is as typed
	} {
		if got := auditDetail("ru", sqlite.AuditEntry{Action: c.action, Detail: c.in}); got != c.want {
			t.Errorf("auditDetail(%s, %q) = %q, want %q", c.action, c.in, got, c.want)
		}
	}
}

// Errors the web view shows: English as the domain words them, Russian from
// the code and parts, quoting the user's input; an error no rule knows
// says its code's words and the field and input it is about.
func TestErrText(t *testing.T) {
	for _, c := range []struct {
		lang string
		err  error
		want string
	}{
		{"en", contacts.Errorf(contacts.EInvalidNumber, "numbers[0]: number: %q has no digits", "вторник"), `numbers[0]: number: "вторник" has no digits`},
		{"ru", contacts.Errorf(contacts.EInvalidNumber, "numbers[0]: number: %q has no digits", "вторник"), "В «вторник» нет цифр."},
		{"it", contacts.Errorf(contacts.EInvalid, "text: longer than %d bytes", 2000), "Nota: troppo lungo (al massimo 2000 byte)."},
		{"ru", contacts.Errorf(contacts.ENotFound, "device %s not found", "abc"), "Этого нет (или оно удалено)."},
		{"ru", contacts.Errorf(contacts.EInvalid, "sims[0].region: %q is not an ISO 3166 two-letter code", "XX"), `В форме что-то не так: "XX"`},
		{"ru", contacts.Errorf(contacts.EInvalid, "stages: between 2 and 20"), "В форме что-то не так"},
		{"ru", contacts.Errorf(contacts.EForbidden, "only an admin may do this: POST /x"), "Это не разрешено."},
		{"ru", localErr(contacts.EInvalid, "«x» — не дата"), "«x» — не дата"},
	} {
		if got := errText(c.lang, c.err); got != c.want {
			t.Errorf("errText(%s, %v) = %q, want %q", c.lang, c.err, got, c.want)
		}
	}
}
