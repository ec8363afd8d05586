package contactsync_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	contactsync "github.com/ringcard/ringcard/sync"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

// sleeper records the waits the engine asks for instead of waiting.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// env is a store, the People stand-in behind a real HTTP server, and an
// engine reaching it through the official client.
type env struct {
	t      testing.TB
	ctx    context.Context
	DB     *sqlite.DB
	Stub   *peoplestub.Server
	URL    string
	Engine *contactsync.Engine
	Sleep  *sleeper

	hookMu       sync.Mutex
	beforeUpdate func()
}

// hooked is the official client with a test hook before updates.
type hooked struct {
	*contactsync.Google
	e *env
}

func (h hooked) UpdateContact(ctx context.Context, p *people.Person, fields []string) (*people.Person, error) {
	h.runHook()
	return h.Google.UpdateContact(ctx, p, fields)
}

func (h hooked) BatchUpdate(ctx context.Context, ps map[string]people.Person, fields []string) (map[string]people.PersonResponse, error) {
	h.runHook()
	return h.Google.BatchUpdate(ctx, ps, fields)
}

func (h hooked) runHook() {
	h.e.hookMu.Lock()
	f := h.e.beforeUpdate
	h.e.beforeUpdate = nil
	h.e.hookMu.Unlock()
	if f != nil {
		f()
	}
}

// editGoogleOnFirstUpdate edits a contact in Google just before the
// engine's next update reaches Google, so that update's etag is stale.
func (e *env) editGoogleOnFirstUpdate(rn string, edit func(p *people.Person)) {
	e.hookMu.Lock()
	defer e.hookMu.Unlock()
	e.beforeUpdate = func() { e.editGoogle(rn, edit) }
}

func newEnv(t testing.TB, opts ...func(*contactsync.Options)) *env {
	t.Helper()
	return newEnvStub(t, peoplestub.Options{}, opts...)
}

// newEnvStub is newEnv with a stand-in configured by so (a quota, say).
func newEnvStub(t testing.TB, so peoplestub.Options, opts ...func(*contactsync.Options)) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ringcard.db"), contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	stub := peoplestub.New(so)
	hs := httptest.NewServer(stub)
	t.Cleanup(hs.Close)
	e := &env{t: t, ctx: ctx, DB: db, Stub: stub, URL: hs.URL, Sleep: &sleeper{}}
	e.Engine = e.engine(opts...)
	return e
}

// engine builds another engine on the same store and stand-in.
func (e *env) engine(opts ...func(*contactsync.Options)) *contactsync.Engine {
	return e.engineWith(e.hooked(), opts...)
}

// hooked is the official client on the stand-in, with the test hook.
func (e *env) hooked() hooked {
	e.t.Helper()
	g, err := contactsync.NewGoogle(e.ctx, e.URL, nil, true)
	if err != nil {
		e.t.Fatalf("people client: %v", err)
	}
	return hooked{Google: g, e: e}
}

// engineWith builds an engine on the store with the given People.
func (e *env) engineWith(p contactsync.People, opts ...func(*contactsync.Options)) *contactsync.Engine {
	o := contactsync.Options{Sleep: e.Sleep.Sleep, Jitter: func() float64 { return 0.5 }, Location: time.UTC}
	for _, f := range opts {
		f(&o)
	}
	return contactsync.New(e.DB, p, o)
}

// sync runs one cycle and fails the test on error.
func (e *env) sync() contactsync.Report {
	e.t.Helper()
	rep, err := e.Engine.RunOnce(e.ctx)
	if err != nil {
		e.t.Fatalf("sync: %v", err)
	}
	return rep
}

// addGoogle adds a contact in Google as another client would.
func (e *env) addGoogle(given, family, phone, company string) string {
	e.t.Helper()
	p := &people.Person{Names: []*people.Name{{GivenName: given, FamilyName: family, UnstructuredName: given + " " + family}}}
	if phone != "" {
		p.PhoneNumbers = []*people.PhoneNumber{{Value: phone, Type: "mobile"}}
	}
	if company != "" {
		p.Organizations = []*people.Organization{{Name: company}}
	}
	rn, err := e.Stub.Add(p)
	if err != nil {
		e.t.Fatalf("add to google: %v", err)
	}
	return rn
}

// editGoogle edits a contact as the Contacts web UI would.
func (e *env) editGoogle(rn string, edit func(p *people.Person)) {
	e.t.Helper()
	if err := e.Stub.EditAsOtherClient(rn, edit); err != nil {
		e.t.Fatalf("edit in google: %v", err)
	}
}

// person returns a Google contact, failing if it is gone.
func (e *env) person(rn string) *people.Person {
	e.t.Helper()
	p, ok := e.Stub.Person(rn)
	if !ok {
		e.t.Fatalf("google has no %s", rn)
	}
	return p
}

// local creates a contact in ringcard as an office user.
func (e *env) local(name, phone string) *contacts.Contact {
	e.t.Helper()
	c := &contacts.Contact{DisplayName: name}
	if phone != "" {
		c.Numbers = []contacts.Number{{Raw: phone, Type: "mobile"}}
	}
	if _, err := e.DB.CreateContact(userCtx(e.ctx), c, ""); err != nil {
		e.t.Fatalf("create contact: %v", err)
	}
	return c
}

func userCtx(ctx context.Context) context.Context {
	return contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorUser, ID: "u1", Name: "Office"})
}

// byResource returns the live local contact linked to rn.
func (e *env) byResource(rn string) *contacts.Contact {
	e.t.Helper()
	var out *contacts.Contact
	err := e.DB.SyncTx(e.ctx, func(tx *sqlite.SyncTx) error {
		c, err := tx.ContactByResource(rn)
		out = c
		return err
	})
	if err != nil {
		e.t.Fatalf("local contact of %s: %v", rn, err)
	}
	return out
}

// contact reads a local contact.
func (e *env) contact(id string) *contacts.Contact {
	e.t.Helper()
	c, err := e.DB.Contact(e.ctx, id)
	if err != nil {
		e.t.Fatalf("contact %s: %v", id, err)
	}
	return c
}

// resourceOf returns the Google resource name a local contact is linked to.
func (e *env) resourceOf(id string) string {
	e.t.Helper()
	b, err := e.DB.SyncBaseOf(e.ctx, id)
	if err != nil {
		e.t.Fatalf("base of %s: %v", id, err)
	}
	return b.ResourceName
}

// googleNames lists the display names of every live Google contact.
func (e *env) googleNames() []string {
	e.t.Helper()
	svc, err := contactsync.NewGoogle(e.ctx, e.URL, nil, true)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	page := ""
	for {
		resp, err := svc.ListConnections(e.ctx, page, "")
		if err != nil {
			e.t.Fatalf("list google: %v", err)
		}
		for _, p := range resp.Connections {
			if len(p.Names) > 0 {
				out = append(out, p.Names[0].UnstructuredName+p.Names[0].DisplayName[:0])
			}
		}
		if resp.NextPageToken == "" {
			return out
		}
		page = resp.NextPageToken
	}
}

// batchUpdateBody decodes a logged people:batchUpdateContacts request.
func batchUpdateBody(t testing.TB, r peoplestub.Request) people.BatchUpdateContactsRequest {
	t.Helper()
	var b people.BatchUpdateContactsRequest
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatalf("batchUpdateContacts body: %v", err)
	}
	return b
}

func org(p *people.Person) string {
	if len(p.Organizations) == 0 {
		return ""
	}
	return p.Organizations[0].Name
}

func bio(p *people.Person) string {
	if len(p.Biographies) == 0 {
		return ""
	}
	return p.Biographies[0].Value
}

func countDup(names []string) map[string]int {
	m := map[string]int{}
	for _, n := range names {
		m[strings.TrimSpace(n)]++
	}
	dup := map[string]int{}
	for n, c := range m {
		if c > 1 {
			dup[n] = c
		}
	}
	return dup
}
