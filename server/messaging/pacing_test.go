package messaging_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// nineToSix is open from 9:00 to 18:00 every day.
type nineToSix struct{}

func (nineToSix) Contains(t time.Time) bool { return t.Hour() >= 9 && t.Hour() < 18 }

// An e-mail group send larger than the mail account's daily cap is planned
// across days and says so before it starts; it then goes out, on a fixed
// clock stepped round by round, at most 2 a minute, only within the
// office's hours, and never more than the daily cap in any 24 hours (as
// providers count it), until every message is sent.
func TestEmailPacedWithinCapsAndHours(t *testing.T) {
	b := &mailServer{}
	port, pool := startMail(t, b, false)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ringcard.db"), contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 12, 7, 17, 58, 0, 0, time.UTC) // a Monday, two minutes before closing
	db.Now = func() time.Time { return now }
	const n = 12
	var seed []contacts.SeedContact
	for i := range n {
		seed = append(seed, contacts.SeedContact{Contact: contacts.Contact{ID: contacts.NewID(), DisplayName: fmt.Sprintf("Cliente %02d", i), Groups: []string{"Clienti"},
			Emails: []contacts.Email{{Address: fmt.Sprintf("c%02d@example.com", i)}}}})
	}
	if err := db.ImportSeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	mailer, err := messaging.NewSMTPMailer(messaging.MailSettings{Host: "127.0.0.1", Port: port, Security: "starttls", Username: "office@example.com",
		Password: "s3cret pass", From: "Ufficio Rossi <office@example.com>", Timeout: 5 * time.Second, TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	caps := messages.Caps{PerWindow: 2, Window: time.Minute, Daily: 5}
	svc := messaging.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), messaging.Config{Mailer: mailer, Loc: time.UTC, EmailHours: nineToSix{}, EmailCaps: caps})

	p, err := svc.Start(ctx, messaging.SendRequest{Channel: messages.Email, Group: "Clienti", Subject: "Listino {company}", Text: "Gentile {name}, il nuovo listino è pronto."}, "Anna")
	if err != nil {
		t.Fatal(err)
	}
	// 4 fit before 18:00 (one every 30 s), 5 on Tuesday, 3 on Wednesday.
	if p.Days != 3 || !strings.Contains(p.Note, "more than the mail account may send today: planned across 3 days, the last on Wed 9 Dec") {
		t.Errorf("plan over %d days: %q", p.Days, p.Note)
	}
	if p.Caps.PerWindow != 2 || p.Caps.Daily != 5 {
		t.Errorf("caps shown %+v", p.Caps)
	}
	for i, r := range p.Recipients {
		if !(nineToSix{}).Contains(r.At) {
			t.Errorf("recipient %d planned at %s, outside hours", i, r.At)
		}
		if i > 0 && r.At.Sub(p.Recipients[i-1].At) < 30*time.Second {
			t.Errorf("recipients %d and %d planned %s apart", i-1, i, r.At.Sub(p.Recipients[i-1].At))
		}
	}

	var sentAt []time.Time // the fixed clock at each submission
	step := func(at time.Time, want int, why string) {
		t.Helper()
		now = at
		svc.Pass(ctx)
		for len(sentAt) < len(b.received()) {
			sentAt = append(sentAt, now)
		}
		if want >= 0 && len(sentAt) != want {
			t.Fatalf("at %s: %d e-mails submitted, want %d (%s)", at.Format("Mon 15:04:05"), len(sentAt), want, why)
		}
	}
	day := func(d, h, m, s int) time.Time { return time.Date(2026, 12, 7+d, h, m, s, 0, time.UTC) }
	step(day(0, 17, 58, 0), 1, "only the first is due")
	step(day(0, 17, 59, 45), 3, "three are due, two a minute")
	step(day(0, 17, 59, 45), 3, "the minute's two are gone")
	step(day(0, 18, 0, 10), 3, "the office is closed")
	step(day(1, 8, 59, 0), 3, "the office is closed")
	step(day(1, 9, 0, 0), 5, "two a minute")
	step(day(1, 9, 5, 0), 5, "five in the last 24 hours: the daily cap")
	for at := day(1, 9, 10, 0); len(sentAt) < n && at.Before(day(6, 0, 0, 0)); at = at.Add(5 * time.Minute) {
		step(at, -1, "")
	}
	if len(sentAt) != n {
		t.Fatalf("%d of %d e-mails went out", len(sentAt), n)
	}
	for i, at := range sentAt {
		if !(nineToSix{}).Contains(at) {
			t.Errorf("e-mail %d went out at %s, outside hours", i, at)
		}
		inDay, inMinute := 0, 0
		for _, other := range sentAt[:i+1] {
			if at.Sub(other) < 24*time.Hour {
				inDay++
			}
			if at.Sub(other) < time.Minute {
				inMinute++
			}
		}
		if inDay > caps.Daily || inMinute > caps.PerWindow {
			t.Errorf("e-mail %d at %s: %d in the 24 hours before, %d in the minute", i, at, inDay, inMinute)
		}
	}
	pr, err := svc.Progress(ctx, p.SendID)
	if err != nil {
		t.Fatal(err)
	}
	if pr.ByStatus[messages.StatusSent] != n {
		t.Errorf("by status %v, want %d sent", pr.ByStatus, n)
	}
}
