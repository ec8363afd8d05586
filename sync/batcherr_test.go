package contactsync_test

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/api/googleapi"
	people "google.golang.org/api/people/v1"
)

// renamedErrors is the official client on the stand-in, whose batch update
// errors name their contacts by keys that match none sent (as an answer
// Google words differently would).
type renamedErrors struct{ hooked }

func (r renamedErrors) BatchUpdate(ctx context.Context, ps map[string]people.Person, fields []string) (map[string]people.PersonResponse, error) {
	got, err := r.hooked.BatchUpdate(ctx, ps, fields)
	var g *googleapi.Error
	if errors.As(err, &g) {
		for _, d := range g.Details {
			m, ok := d.(map[string]any)
			if !ok {
				continue
			}
			if ce, ok := m["contactErrors"].(map[string]any); ok {
				renamed := map[string]any{}
				for k, v := range ce {
					renamed["unknown/"+k] = v
				}
				m["contactErrors"] = renamed
			}
		}
	}
	return got, err
}

// TestBatchUpdateErrorNamingNoneFailsTheCycle: Google refuses a batch of
// updates naming none of its contacts the engine can match. The cycle
// fails with Google's error (the changes stay queued and the status says
// so); it does not report success.
func TestBatchUpdateErrorNamingNoneFailsTheCycle(t *testing.T) {
	e := newEnv(t)
	rns := []string{
		e.addGoogle("Anna", "Blu", "+39 06 1111 0001", "Blu Srl"),
		e.addGoogle("Bruno", "Verdi", "+39 06 1111 0002", "Verdi Srl"),
	}
	e.sync()
	e.Engine = e.engineWith(renamedErrors{e.hooked()})
	for _, rn := range rns {
		c := e.byResource(rn)
		c.JobTitle = "Direttore"
		if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
			t.Fatal(err)
		}
	}
	e.Stub.RejectContacts(func(p *people.Person) string { return "Invalid job title." })
	if _, err := e.Engine.RunOnce(e.ctx); err == nil {
		t.Fatal("sync succeeded though Google refused every update")
	}
	if n, err := e.DB.OutboxLen(e.ctx); err != nil || n != 2 {
		t.Errorf("outbox = %d, %v; want both changes queued", n, err)
	}
}
