package main_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/push/fcmstub"
)

// storedFCMToken reads a device's FCM token from the database file.
func storedFCMToken(t *testing.T, db, deviceID string) string {
	t.Helper()
	store, err := sqlite.Open(context.Background(), db, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	d, err := store.Device(context.Background(), deviceID)
	if err != nil {
		t.Fatal(err)
	}
	return d.FCMToken
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lastMessage is the newest message the stand-in accepted for token.
func lastMessage(stub *fcmstub.Server, token string) (fcmstub.Message, bool) {
	msgs := stub.MessagesFor(token)
	if len(msgs) == 0 {
		return fcmstub.Message{}, false
	}
	return msgs[len(msgs)-1], true
}

// TestSimulateFCMToken walks the README's "try it without Firebase": a
// simulated phone paired with --fcm-token and not listening gets `dial` and
// `sync` at the FCM stand-in; `simulate fcm-token` (PUT /api/v1/device)
// replaces the token; a token the stand-in calls UNREGISTERED is dropped.
func TestSimulateFCMToken(t *testing.T) {
	stub := fcmstub.New()
	fcm := httptest.NewServer(stub)
	defer fcm.Close()
	t.Setenv("RINGCARD_FCM_PROJECT_ID", "ringcard-try")
	t.Setenv("RINGCARD_FCM_ENDPOINT", fcm.URL+"/v1")
	dir := t.TempDir()
	db := filepath.Join(dir, "ringcard.db")
	p := serve(t, db, freeAddr(t), "--demo")

	pair := func(name, state string, extra ...string) string {
		var pc struct{ Code string }
		if err := json.Unmarshal([]byte(run(t, "devices", "pair", "--db", db, "--name", name, "--json")), &pc); err != nil {
			t.Fatal(err)
		}
		out := run(t, append([]string{"simulate", "--state", state, "--server", p.url, "pair", "--code", pc.Code}, extra...)...)
		m := regexp.MustCompile(`Paired as device (\S+);`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("simulate pair printed %q", out)
		}
		return m[1]
	}
	giulia := filepath.Join(dir, "giulia.json")
	id := pair("Giulia", giulia, "--fcm-token", "tok-giulia")
	if got := storedFCMToken(t, db, id); got != "tok-giulia" {
		t.Fatalf("after pair --fcm-token the device's token is %q, want tok-giulia", got)
	}

	run(t, "devices", "dial", "--db", db, id, "+39 06 4281 1822")
	waitUntil(t, "a dial at the stand-in", func() bool { m, ok := lastMessage(stub, "tok-giulia"); return ok && m.Data["type"] == "dial" })
	if m, _ := lastMessage(stub, "tok-giulia"); m.Android == nil || m.Android.Priority != "high" || m.Data["number"] != "+390642811822" {
		t.Errorf("dial message = %+v %+v, want high priority with the number", m, m.Android)
	}

	out := run(t, "simulate", "--state", giulia, "fcm-token", "tok-rotated")
	if !strings.Contains(out, "FCM token tok-rotated registered for device "+id) {
		t.Errorf("simulate fcm-token printed %q", out)
	}
	if got := storedFCMToken(t, db, id); got != "tok-rotated" {
		t.Fatalf("after simulate fcm-token the device's token is %q, want tok-rotated", got)
	}
	marco := filepath.Join(dir, "marco.json")
	pair("Marco", marco)
	run(t, "simulate", "--state", marco, "note", "--number", "06 4281 1822", "Wants 20 boxes")
	waitUntil(t, "a sync tickle for the new token", func() bool { m, ok := lastMessage(stub, "tok-rotated"); return ok && m.Data["type"] == "sync" })
	if m, _ := lastMessage(stub, "tok-rotated"); m.Android == nil || m.Android.Priority != "normal" || m.Android.CollapseKey != "sync" {
		t.Errorf("sync message = %+v, want normal priority collapsed as sync", m.Android)
	}

	stub.Unregister("tok-rotated")
	run(t, "devices", "dial", "--db", db, id, "+39 06 4281 1822")
	waitUntil(t, "the unregistered token to be dropped", func() bool { return storedFCMToken(t, db, id) == "" })
}
