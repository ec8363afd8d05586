package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
)

// seedWholesale stores n clients with mobile numbers in the group
// "Wholesale".
func seedWholesale(t *testing.T, dbPath string, n int) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), dbPath, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var seed []contacts.SeedContact
	for i := range n {
		seed = append(seed, contacts.SeedContact{Contact: contacts.Contact{ID: contacts.NewID(), DisplayName: fmt.Sprintf("Cliente %03d", i), Groups: []string{"Wholesale"},
			Numbers: []contacts.Number{{Raw: fmt.Sprintf("+39 347 %07d", 2000000+i), Type: "mobile"}}}})
	}
	if err := store.ImportSeed(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
}

// simPhone is one simulated phone run by the real binary.
type simPhone struct {
	id, state, log string
	cmd            *exec.Cmd
	mu             sync.Mutex
	out            bytes.Buffer // what listen printed: one frame a line
	errs           bytes.Buffer // what it said on stderr (connects, resumes, lost connections)
}

type simStderr struct{ ph *simPhone }

func (w simStderr) Write(b []byte) (int, error) {
	w.ph.mu.Lock()
	defer w.ph.mu.Unlock()
	return w.ph.errs.Write(b)
}

func (ph *simPhone) Write(b []byte) (int, error) {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	return ph.out.Write(b)
}

func (ph *simPhone) printed() string {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	return ph.out.String()
}

// pairPhone pairs a simulated phone named name with the server at url.
func pairPhone(t *testing.T, dir, dbPath, url, name string) *simPhone {
	t.Helper()
	ph := &simPhone{state: filepath.Join(dir, name+".json"), log: filepath.Join(dir, name+".sms")}
	var pc struct{ Code string }
	if err := json.Unmarshal([]byte(run(t, "devices", "pair", "--db", dbPath, "--name", name, "--json")), &pc); err != nil {
		t.Fatal(err)
	}
	out := run(t, "simulate", "--state", ph.state, "--server", url, "pair", "--code", pc.Code)
	m := regexp.MustCompile(`Paired as device (\S+);`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("simulate pair printed %q", out)
	}
	ph.id = m[1]
	return ph
}

// listen starts `simulate listen` for the phone, with extra flags.
func (ph *simPhone) listen(t *testing.T, flags ...string) {
	t.Helper()
	ph.cmd = exec.Command(binary(t), append([]string{"simulate", "--state", ph.state, "listen", "--sms-log", ph.log}, flags...)...)
	ph.cmd.Stdout = ph
	ph.cmd.Stderr = simStderr{ph}
	if err := ph.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd := ph.cmd
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		if t.Failed() { // what the phone saw, for the failure's story
			ph.mu.Lock()
			defer ph.mu.Unlock()
			t.Logf("simulated phone %s: stderr:\n%s\nlast frames:\n%s", ph.id, ph.errs.String(), lastLines(ph.out.String(), 30))
		}
	})
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// startSend starts a group send to "Wholesale" from SIM 1 of each phone.
func startSend(t *testing.T, dbPath string, phones ...*simPhone) string {
	t.Helper()
	args := []string{"messages", "send", "--db", dbPath, "--group", "Wholesale", "--json", "--text", "Gentile {name}, il nuovo listino è pronto."}
	for _, ph := range phones {
		args = append(args, "--sim", ph.id+":1")
	}
	var plan struct {
		SendID string `json:"send_id"`
	}
	out := run(t, args...)
	if err := json.Unmarshal([]byte(out), &plan); err != nil || plan.SendID == "" {
		t.Fatalf("messages send printed %q: %v", out, err)
	}
	return plan.SendID
}

// pollUntil polls ok until it holds or d passes.
func pollUntil(t *testing.T, what string, d time.Duration, ok func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		done, state := ok()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %s", what, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSMSHandedOverFromVanishedPhone: a group send over two simulated
// phones; one stops for good in the middle (SIGKILL). Each SMS it was
// handed and never took moves to the other phone once its send_before and
// the clock margin pass, and what was still planned on it follows; every
// recipient gets exactly one SMS, and a handed-over message's history says
// so. When the phone comes
// back at last, it gets the events it missed, past their send_before, and
// sends none of them.
func TestSMSHandedOverFromVanishedPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ringcard.db")
	const n = 40
	t.Setenv("RINGCARD_MESSAGES_SMS_PER_WINDOW", "4")
	t.Setenv("RINGCARD_MESSAGES_SMS_WINDOW", "1s")
	t.Setenv("RINGCARD_MESSAGES_SMS_DAILY", "10000")
	t.Setenv("RINGCARD_MESSAGES_SMS_HOURS", "any")
	t.Setenv("RINGCARD_MESSAGES_TICK", "100ms")
	t.Setenv("RINGCARD_MESSAGES_SMS_SEND_WITHIN", "4s")
	t.Setenv("RINGCARD_MESSAGES_SMS_CLOCK_MARGIN", "1s")
	seedWholesale(t, dbPath, n)
	p := serve(t, dbPath, freeAddr(t))
	giulia, marco := pairPhone(t, dir, dbPath, p.url, "giulia"), pairPhone(t, dir, dbPath, p.url, "marco")
	giulia.listen(t)
	marco.listen(t)
	sendID := startSend(t, dbPath, giulia, marco)

	pollUntil(t, "marco's first SMS", 30*time.Second, func() (bool, string) {
		got := len(readSMSLog(t, marco.log))
		return got >= 3, fmt.Sprintf("%d sent by marco", got)
	})
	_ = marco.cmd.Process.Kill() // gone for good, mid-send
	_, _ = marco.cmd.Process.Wait()

	store, err := sqlite.Open(context.Background(), dbPath, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	// Done: every message delivered, except what marco accepted (queued or
	// sent) before it vanished: that may have gone out and is never sent again.
	var msgs []*messages.Message
	pollUntil(t, "every message delivered or left with marco as accepted", 120*time.Second, func() (bool, string) {
		msgs, err = store.SendMessages(context.Background(), sendID)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, m := range msgs {
			count[m.Status]++
			if m.Status == messages.StatusFailed {
				t.Fatalf("message %s failed: %s", m.ID, m.Reason)
			}
			if m.Status != messages.StatusDelivered && !(m.DeviceID == marco.id && (m.Status == messages.StatusQueued || m.Status == messages.StatusSent)) {
				return false, fmt.Sprint(count)
			}
		}
		return len(msgs) == n, fmt.Sprint(count)
	})

	logged := map[string]string{} // message id -> phone
	perNumber := map[string]int{}
	for _, ph := range []*simPhone{giulia, marco} {
		for _, l := range readSMSLog(t, ph.log) {
			if prev, ok := logged[l.MessageID]; ok {
				t.Errorf("message %s sent by %s and again by %s", l.MessageID, prev, ph.id)
			}
			logged[l.MessageID] = ph.id
			perNumber[l.Number]++
		}
	}
	for num, c := range perNumber {
		if c != 1 {
			t.Errorf("%s got %d SMS", num, c)
		}
	}
	var handed, expired []string // handed over; of those, the ones marco was given first
	unconfirmed := 0
	for _, m := range msgs {
		full, err := store.Message(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range full.History {
			if h.Status == messages.StatusPlanned && strings.HasPrefix(h.Reason, "handed_over: from SIM 1 of marco to SIM 1 of giulia") {
				handed = append(handed, m.ID)
				if strings.HasSuffix(h.Reason, "did not take it in time") {
					expired = append(expired, m.ID)
				}
				if m.DeviceID != giulia.id || logged[m.ID] != giulia.id {
					t.Errorf("handed-over message %s is on %s, sent by %q", m.ID, m.DeviceID, logged[m.ID])
				}
			}
		}
		if logged[m.ID] == "" {
			unconfirmed++ // marco accepted it and died before sending: never sent twice
			if m.DeviceID != marco.id || m.Status != messages.StatusQueued {
				t.Errorf("message %s (%s on %s) was never sent", m.ID, m.Status, m.DeviceID)
			}
		}
	}
	if len(handed) == 0 {
		t.Fatal("no message was handed over from the vanished phone")
	}
	if unconfirmed > 1 {
		t.Errorf("%d messages accepted by marco and never sent, at most 1 (the one it was sending when killed)", unconfirmed)
	}
	if len(perNumber)+unconfirmed != n {
		t.Errorf("%d numbers got an SMS and %d were left unconfirmed, want %d in all", len(perNumber), unconfirmed, n)
	}
	sentByMarco := len(readSMSLog(t, marco.log))
	t.Logf("marco sent %d before it vanished; %d handed over to giulia, %d of them after marco was given them", sentByMarco, len(handed), len(expired))
	if len(expired) == 0 {
		t.Fatal("no message given to marco was handed over after its deadline")
	}

	// Marco's phone comes back long after: it gets the sms.send events it
	// missed, all past their send_before, and sends none of them.
	marco.listen(t)
	pollUntil(t, "marco to give up every message handed over", 30*time.Second, func() (bool, string) {
		var st struct{ SMS map[string]string }
		if b, err := os.ReadFile(marco.state); err == nil {
			_ = json.Unmarshal(b, &st)
		}
		for _, id := range expired {
			if st.SMS[id] != "gone" {
				return false, fmt.Sprintf("message %s is %q on marco", id, st.SMS[id])
			}
		}
		return true, ""
	})
	if got := len(readSMSLog(t, marco.log)); got != sentByMarco {
		t.Errorf("marco sent %d SMS after coming back", got-sentByMarco)
	}
}

// TestSimulatorSendsFromBatchFrames: a phone that asks for batch and
// compact frames gets its waiting sms.send events inside batch frames on
// resume and sends each once.
func TestSimulatorSendsFromBatchFrames(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ringcard.db")
	const n = 6
	t.Setenv("RINGCARD_MESSAGES_SMS_HOURS", "any")
	t.Setenv("RINGCARD_MESSAGES_SMS_PER_WINDOW", "100")
	t.Setenv("RINGCARD_MESSAGES_SMS_WINDOW", "1s")
	t.Setenv("RINGCARD_MESSAGES_TICK", "100ms")
	seedWholesale(t, dbPath, n)
	p := serve(t, dbPath, freeAddr(t))
	anna := pairPhone(t, dir, dbPath, p.url, "anna")
	sendID := startSend(t, dbPath, anna)

	store, err := sqlite.Open(context.Background(), dbPath, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	progress := func(status string, want int) func() (bool, string) {
		return func() (bool, string) {
			pr, err := store.Send(context.Background(), sendID)
			if err != nil {
				t.Fatal(err)
			}
			return pr.ByStatus[status] == want, fmt.Sprint(pr.ByStatus)
		}
	}
	// All handed over while the phone is away: they wait as numbered events.
	pollUntil(t, "every SMS dispatched", 30*time.Second, progress(messages.StatusDispatched, n))
	anna.listen(t, "--batch", "--compact")
	pollUntil(t, "every SMS delivered", 30*time.Second, progress(messages.StatusDelivered, n))

	batched := 0
	for _, line := range strings.Split(anna.printed(), "\n") {
		if strings.HasPrefix(line, `{"type":"batch"`) {
			batched += strings.Count(line, `"type":"sms.send"`)
		}
	}
	if batched == 0 {
		t.Fatalf("no sms.send came in a batch frame; listen printed:\n%s", anna.printed())
	}
	perNumber := map[string]int{}
	for _, l := range readSMSLog(t, anna.log) {
		perNumber[l.Number]++
	}
	if len(perNumber) != n {
		t.Errorf("%d numbers got an SMS, want %d", len(perNumber), n)
	}
	for num, c := range perNumber {
		if c != 1 {
			t.Errorf("%s got %d SMS", num, c)
		}
	}
}
