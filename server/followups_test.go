package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server"
)

func TestFollowupFromPhoneIsDueOnTheAssigneesPhone(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	anna, marco := e.phone("Anna"), e.phone("Marco")
	sock := connect(t, marco, 0)

	id := contacts.NewID()
	req := server.FollowupRequest{FollowupID: id, ContactID: "demo-0001", DueAt: time.Now().Add(-time.Minute).UTC(),
		Text: "Richiamare per il preventivo", Assignee: "Marco"}
	var created server.FollowupResponse
	if err := anna.Do(ctx, http.MethodPost, "/api/v1/followups", req, &created); err != nil {
		t.Fatal(err)
	}
	if created.Followup.Status != "open" || created.Followup.CreatedBy != "Anna" || created.Followup.ContactName == "" {
		t.Errorf("created = %+v", created.Followup)
	}
	// The same request again is answered with the same follow-up (idempotent).
	var again server.FollowupResponse
	if err := anna.Do(ctx, http.MethodPost, "/api/v1/followups", req, &again); err != nil || again.Followup.ID != id {
		t.Errorf("repeat: %+v %v", again, err)
	}
	e.Srv.StartFollowups(ctx)
	got := map[string]protocol.Envelope{}
	for _, ev := range events(t, sock, 2) {
		got[ev.Type] = ev
	}
	due, ok := got["followup.due"]
	if !ok {
		t.Fatalf("events = %v, want followup.updated then followup.due", got)
	}
	var f server.FollowupResponse
	if err := json.Unmarshal(due.Payload, &f.Followup); err != nil || f.Followup.ID != id || f.Followup.Assignee != "Marco" {
		t.Errorf("due payload = %s (%v)", due.Payload, err)
	}

	// Marco snoozes it, then marks it done; Anna's list of her own is empty,
	// Marco's open list is empty once done.
	var changed server.FollowupResponse
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	if err := marco.Do(ctx, http.MethodPatch, "/api/v1/followups/"+id, server.FollowupChangeRequest{SnoozeUntil: until}, &changed); err != nil {
		t.Fatal(err)
	}
	if !changed.Followup.Due.Equal(until) {
		t.Errorf("snoozed due = %v, want %v", changed.Followup.Due, until)
	}
	if err := marco.Do(ctx, http.MethodPatch, "/api/v1/followups/"+id, server.FollowupChangeRequest{Done: true}, &changed); err != nil {
		t.Fatal(err)
	}
	if changed.Followup.Status != "done" || changed.Followup.DoneBy != "Marco" {
		t.Errorf("done = %+v", changed.Followup)
	}
	var list server.FollowupList
	if err := marco.Do(ctx, http.MethodGet, "/api/v1/followups", nil, &list); err != nil || len(list.Followups) != 0 {
		t.Errorf("Marco's open follow-ups = %+v, %v", list.Followups, err)
	}
	if err := marco.Do(ctx, http.MethodGet, "/api/v1/followups?status=all", nil, &list); err != nil || len(list.Followups) != 1 {
		t.Errorf("Marco's follow-ups = %+v, %v", list.Followups, err)
	}
	if st, body, _ := e.raw(anna, http.MethodPost, "/api/v1/followups", `{"followup_id":"x","contact_id":"demo-0001","text":"a","due_at":"2026-01-01T10:00:00Z"}`); st != 400 || body.Error.Code != "invalid_request" {
		t.Errorf("bad id: %d %+v", st, body)
	}
}

func TestStageFromPhone(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	anna := e.phone("Anna")
	var out map[string]any
	if err := anna.Do(ctx, http.MethodPost, "/api/v1/contacts/demo-0002/stage", map[string]string{"stage": "ordered"}, &out); err != nil {
		t.Fatal(err)
	}
	c, err := e.DB.Contact(ctx, "demo-0002")
	if err != nil || c.Stage != "ordered" {
		t.Fatalf("stage = %q, %v", c.Stage, err)
	}
	h, _ := e.DB.History(ctx, "demo-0002", "", 1, "")
	if len(h) != 1 || h[0].Kind != "stage" || h[0].By != "Anna" {
		t.Errorf("latest history = %+v, want the move by Anna", h)
	}
	if st, body, _ := e.raw(anna, http.MethodPost, "/api/v1/contacts/demo-0002/stage", `{"stage":"maybe"}`); st != 400 || body.Error.Code != "invalid_request" {
		t.Errorf("unknown stage: %d %+v", st, body)
	}
	stats, err := e.DB.PipelineStats(ctx, time.Now().AddDate(0, -6, 0), time.Now().Add(time.Hour), time.Local)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range stats.Stages {
		total += s.Count
	}
	if total == 0 || len(stats.CallsPerDay) == 0 || stats.MissedReturned+stats.MissedOpen == 0 {
		t.Errorf("stats over the demo data = %+v", stats)
	}
}
