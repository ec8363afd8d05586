package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// smsLine is one SMS a simulated phone sent.
type smsLine struct {
	MessageID string `json:"message_id"`
	Number    string `json:"number"`
	SIMSlot   int    `json:"sim_slot"`
}

func readSMSLog(t *testing.T, path string) []smsLine {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []smsLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l smsLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			continue // a line being written right now
		}
		out = append(out, l)
	}
	return out
}

// TestGroupSendSurvivesKill9: a 500-recipient SMS send to two simulated
// phones with two SIMs each; the server is killed with SIGKILL in the
// middle and one phone goes offline for a while. Every recipient gets
// exactly one SMS in the end, every status comes back, and no SIM was
// handed more than its cap in any window.
func TestGroupSendSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ringcard.db")
	const n, perWindow, window = 500, 25, 2 * time.Second
	t.Setenv("RINGCARD_MESSAGES_SMS_PER_WINDOW", fmt.Sprint(perWindow))
	t.Setenv("RINGCARD_MESSAGES_SMS_WINDOW", window.String())
	t.Setenv("RINGCARD_MESSAGES_SMS_DAILY", "10000")
	t.Setenv("RINGCARD_MESSAGES_SMS_HOURS", "any")
	t.Setenv("RINGCARD_MESSAGES_TICK", "100ms")

	// 500 clients in the group, plus one who opted out and one with only a landline.
	store, err := sqlite.Open(context.Background(), dbPath, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	var seed []contacts.SeedContact
	for i := range n + 2 {
		c := contacts.Contact{ID: contacts.NewID(), DisplayName: fmt.Sprintf("Cliente %03d", i), Groups: []string{"Wholesale"},
			Numbers: []contacts.Number{{Raw: fmt.Sprintf("+39 347 %07d", 1000000+i), Type: "mobile"}}}
		if i == n+1 {
			c.Numbers = []contacts.Number{{Raw: "+39 06 4281 1822", Type: "work"}}
		}
		seed = append(seed, contacts.SeedContact{Contact: c})
	}
	if err := store.ImportSeed(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	yes := true
	if err := store.SetOptOut(context.Background(), seed[n].ID, &yes, nil, "test"); err != nil {
		t.Fatal(err)
	}
	store.Close()

	addr := freeAddr(t)
	p := serve(t, dbPath, addr)
	phones := []*simPhone{pairPhone(t, dir, dbPath, p.url, "giulia"), pairPhone(t, dir, dbPath, p.url, "marco")}
	for _, ph := range phones { // the simulator's SIM 2 is named "Personal", so private until the office says otherwise
		run(t, "devices", "sim", "--db", dbPath, ph.id, "2", "--policy", "work", "--label", "Work 2")
	}
	for _, ph := range phones {
		ph.listen(t)
	}

	var plan struct {
		SendID  string `json:"send_id"`
		Skipped []struct{ Reason string }
		Days    int `json:"days"`
	}
	out := run(t, "messages", "send", "--db", dbPath, "--group", "Wholesale", "--json", "--text", "Gentile {name}, il nuovo listino è pronto.",
		"--sim", phones[0].id+":1", "--sim", phones[0].id+":2", "--sim", phones[1].id+":1", "--sim", phones[1].id+":2")
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("messages send printed %q: %v", out, err)
	}
	if len(plan.Skipped) != 2 || plan.Days != 1 {
		t.Fatalf("plan skipped %v over %d days, want 2 skipped (opted out, no mobile) in 1 day", plan.Skipped, plan.Days)
	}

	sent := func() int { return len(readSMSLog(t, phones[0].log)) + len(readSMSLog(t, phones[1].log)) }
	waitFor := func(what string, d time.Duration, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(d)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (%d SMS sent)", what, sent())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("the first SMS", 30*time.Second, func() bool { return sent() >= 60 })
	// Marco's phone goes offline mid-send.
	_ = phones[1].cmd.Process.Signal(syscall.SIGINT)
	_, _ = phones[1].cmd.Process.Wait()
	waitFor("more SMS", 30*time.Second, func() bool { return sent() >= 150 })
	_ = p.cmd.Process.Kill() // SIGKILL
	_, _ = p.cmd.Process.Wait()
	before := sent()
	p = serve(t, dbPath, addr)
	phones[1].listen(t)

	store, err = sqlite.Open(context.Background(), dbPath, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	waitFor("every message delivered", 120*time.Second, func() bool {
		pr, err := store.Send(context.Background(), plan.SendID)
		return err == nil && pr.ByStatus["delivered"] == n
	})
	t.Logf("%d SMS sent before the kill, %d in all", before, sent())

	perNumber, perID := map[string]int{}, map[string]int{}
	for _, ph := range phones {
		for _, l := range readSMSLog(t, ph.log) {
			perNumber[l.Number]++
			perID[l.MessageID]++
		}
	}
	if len(perNumber) != n {
		t.Errorf("%d numbers got an SMS, want %d", len(perNumber), n)
	}
	for num, c := range perNumber {
		if c != 1 {
			t.Errorf("%s got %d SMS", num, c)
		}
	}
	if len(perID) != n {
		t.Errorf("%d message ids sent, want %d", len(perID), n)
	}

	// No SIM was handed more than its cap within any window.
	msgs, err := store.SendMessages(context.Background(), plan.SendID)
	if err != nil {
		t.Fatal(err)
	}
	bySIM := map[string][]time.Time{}
	for _, m := range msgs {
		full, err := store.Message(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range full.History {
			if h.Status == "dispatched" {
				k := fmt.Sprintf("%s:%d", m.DeviceID, m.SIMSlot)
				bySIM[k] = append(bySIM[k], h.At)
			}
		}
		if got := full.History[len(full.History)-1].Status; got != "delivered" {
			t.Errorf("message %s ends %s", m.ID, got)
		}
	}
	if len(bySIM) != 4 {
		t.Errorf("the send used %d SIMs, want 4", len(bySIM))
	}
	for sim, ts := range bySIM {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		for i := range ts {
			j := i
			for j < len(ts) && ts[j].Sub(ts[i]) < window {
				j++
			}
			if j-i > perWindow {
				t.Fatalf("SIM %s was handed %d SMS within %s from %s, cap %d", sim, j-i, window, ts[i], perWindow)
			}
		}
	}
}
