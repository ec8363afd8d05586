package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
)

// TestKill9DuringHeavyFanOut: 100 phones take every change (plain, batch
// and compact phones mixed) while one phone adds notes as fast as the
// server answers; the server is killed with SIGKILL in the middle. After a
// restart, a plain phone and a batch+compact phone resume from the last
// event they handled (each acknowledged part of what it had) and get every
// later event once, in order, each about the note's contact: every note
// the server answered before the kill is there.
func TestKill9DuringHeavyFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("pairs 100 phones with a real server process")
	}
	db := filepath.Join(t.TempDir(), "ringcard.db")
	addr := freeAddr(t)
	p := serve(t, db, addr, "--demo")
	ctx := context.Background()
	const load = 100
	codes := make([]string, load+3)
	store, err := sqlite.Open(ctx, db, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range codes {
		pc, err := server.CreatePairCode(ctx, store, fmt.Sprintf("Phone %d", i), p.url, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		codes[i] = pc.Code
	}
	store.Close()
	fleet, err := client.PairFleet(ctx, p.url, codes)
	if err != nil {
		t.Fatal(err)
	}
	writer, plain, mixed := fleet.Clients[0], fleet.Clients[1], fleet.Clients[2]
	loadFleet := &client.Fleet{Clients: fleet.Clients[3:]}
	thirds := len(loadFleet.Clients) / 3
	for i, o := range []client.FleetOptions{{Resume: true}, {Resume: true, Batch: true}, {Resume: true, Batch: true, Compact: true}} {
		part := &client.Fleet{Clients: loadFleet.Clients[i*thirds : (i+1)*thirds]}
		if err := part.ConnectWith(ctx, o); err != nil {
			t.Fatal(err)
		}
		defer part.Close()
	}

	// contactOf is the contact of the k-th note (1-based): one writer, so
	// the k-th event every phone gets is about it.
	contactOf := func(k int64) string { return fmt.Sprintf("demo-%04d", 1+(k-1)%7) }
	var acked atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for k := int64(1); ; k++ {
			if _, err := writer.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: contactOf(k), Text: fmt.Sprintf("n%d", k)}); err != nil {
				return // the server died
			}
			acked.Store(k)
		}
	}()

	type tracked struct {
		c    *client.Client
		opts protocol.Resume
		s    *client.Socket
		last int64
		// Events read but not handled yet: the rest of a batch after the
		// point where handle stopped. Lost with the socket.
		unread []protocol.Envelope
	}
	phones := []*tracked{{c: plain}, {c: mixed, opts: protocol.Resume{Batch: true, Compact: true}}}
	// handle reads events until the phone has handled upto, checking order
	// and contacts; events of a batch after upto wait in unread.
	handle := func(ph *tracked, upto int64) {
		t.Helper()
		for ph.last < upto {
			evs := ph.unread
			ph.unread = nil
			if len(evs) == 0 {
				env, err := ph.s.Read(30 * time.Second)
				if err != nil {
					t.Fatalf("phone %+v: after seq %d of %d: %v", ph.opts, ph.last, upto, err)
				}
				if evs, err = client.Events(env); err != nil {
					t.Fatal(err)
				}
			}
			for i, ev := range evs {
				if ev.Seq <= ph.last {
					t.Fatalf("phone %+v: seq %d again after %d", ph.opts, ev.Seq, ph.last)
				}
				if ev.Seq > upto {
					ph.unread = evs[i:]
					break
				}
				if ev.Seq != ph.last+1 {
					t.Fatalf("phone %+v: seq %d after %d", ph.opts, ev.Seq, ph.last)
				}
				wantType := "card.updated"
				if ph.opts.Compact {
					wantType = "card.changed"
				}
				var body struct {
					ContactID string `json:"contact_id"`
				}
				if err := json.Unmarshal(ev.Payload, &body); err != nil || ev.Type != wantType || body.ContactID != contactOf(ev.Seq) {
					t.Fatalf("phone %+v: seq %d is %s about %q, want %s about %s", ph.opts, ev.Seq, ev.Type, body.ContactID, wantType, contactOf(ev.Seq))
				}
				ph.last = ev.Seq
			}
		}
	}
	resume := func(ph *tracked) {
		t.Helper()
		s, err := ph.c.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		o := ph.opts
		o.AfterSeq = ph.last
		id, err := s.ResumeWith(o)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.Read(30 * time.Second); err != nil || ok.Re != id || ok.Type != "ok" {
			t.Fatalf("resume answer = %+v %v", ok, err)
		}
		ph.s = s
	}
	for _, ph := range phones {
		resume(ph)
	}
	for _, ph := range phones {
		handle(ph, 50)
		if _, err := ph.s.Ack(40); err != nil {
			t.Fatal(err)
		}
	}
	// Wait for the server to have answered many more notes (fanned out to
	// every phone), then kill it in the middle of the stream.
	deadline := time.Now().Add(60 * time.Second)
	for acked.Load() < 400 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for _, ph := range phones {
		handle(ph, 120) // still being fanned out
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = p.cmd.Process.Wait()
	<-done
	for _, ph := range phones {
		ph.s.Close()
		ph.unread = nil // lost with the socket: resumed after ph.last
	}
	want := acked.Load()
	if want < 400 {
		t.Fatalf("only %d notes answered before the kill", want)
	}

	p2 := serve(t, db, addr)
	for _, ph := range phones {
		ph.c.BaseURL = p2.url
		resume(ph)
		defer ph.s.Close()
		handle(ph, want) // every answered note, once, in order; a resync would fail the type check
	}
	t.Logf("%d notes answered before SIGKILL while fanned out to %d phones; both phones resumed after seq 120 and got all of them", want, load+3)
}
