package officeapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/web"
	contactsync "github.com/ringcard/ringcard/sync"
)

// ErrGoogleNotConnected means no Google account is connected.
var ErrGoogleNotConnected = contacts.Errorf(contacts.EConflict, "Google Contacts is not connected: run `ringcard google connect`")

// Sync serves the office's Google sync routes and holds the sync engine
// while it runs in the background (none when no account is connected).
type Sync struct {
	db     *sqlite.DB    // the sync's state and conflicts
	google config.Google // whether an account is connected, and to which endpoint
	o      Options
	mu     sync.Mutex
	engine *contactsync.Engine
}

// NewSync returns the sync routes, with no engine running yet.
func NewSync(db *sqlite.DB, google config.Google, o Options) *Sync {
	return &Sync{db: db, google: google, o: o}
}

// Run runs e in the background until ctx ends; the routes use it.
func (s *Sync) Run(ctx context.Context, e *contactsync.Engine) {
	s.mu.Lock()
	s.engine = e
	s.mu.Unlock()
	go e.Run(ctx)
}

func (s *Sync) get() *contactsync.Engine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.engine
}

// Mount adds the routes to the office group (/api/v1/office). Their access
// rules are in server/access.go.
func (s *Sync) Mount(r gin.IRouter) {
	r.GET("/sync/status", handle(s.o.Fail, s.status))
	r.POST("/sync/run", handle(s.o.Fail, s.run))
	r.GET("/sync/conflicts", handle(s.o.Fail, s.conflicts))
	r.POST("/sync/conflicts/:id/resolve", handle(s.o.Fail, s.resolve))
}

func (s *Sync) read(ctx context.Context) (contactsync.Status, error) {
	st, err := contactsync.ReadStatus(ctx, s.db)
	st.Connected = s.google.Connected()
	st.Running = s.get() != nil
	return st, err
}

func (s *Sync) status(c *gin.Context) error {
	st, err := s.read(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, st)
	return nil
}

// run starts a sync now; with ?wait=true it answers when the sync is done,
// with its report.
func (s *Sync) run(c *gin.Context) error {
	e := s.get()
	if e == nil {
		return ErrGoogleNotConnected
	}
	if c.Query("wait") != "true" {
		e.Trigger()
		st, err := s.read(c.Request.Context())
		if err != nil {
			return err
		}
		c.JSON(http.StatusAccepted, gin.H{"started": true, "status": st})
		return nil
	}
	rep, runErr := e.RunOnce(c.Request.Context())
	st, err := s.read(c.Request.Context())
	if err != nil {
		return err
	}
	code := http.StatusOK
	if runErr != nil {
		code = http.StatusBadGateway
		if errors.Is(runErr, contactsync.ErrBusy) {
			code = http.StatusConflict
		}
	}
	c.JSON(code, gin.H{"report": rep, "status": st})
	return nil
}

func (s *Sync) conflicts(c *gin.Context) error {
	limit, _ := strconv.Atoi(c.Query("limit"))
	ks, err := s.db.SyncConflicts(c.Request.Context(), c.Query("all") != "true", limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"conflicts": ks})
	return nil
}

// resolveRequest is the body of POST /sync/conflicts/:id/resolve.
type resolveRequest struct {
	Choice string `json:"choice"` // local, google or value
	Value  string `json:"value"`  // with choice "value"
}

func (s *Sync) resolve(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return contacts.Errorf(contacts.EInvalid, "id: %q is not a conflict id", c.Param("id"))
	}
	var req resolveRequest
	if err := s.o.Decode(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	if contacts.ActorFrom(ctx).Kind == contacts.ActorSystem {
		ctx = contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorUser, Name: "office"})
	}
	k, err := contactsync.ResolveConflict(ctx, s.db, id, req.Choice, req.Value)
	if err != nil {
		return err
	}
	if e := s.get(); e != nil {
		e.Trigger()
	}
	c.JSON(http.StatusOK, gin.H{"conflict": k})
	return nil
}

// SyncStatus is the sync's state as the web view's settings page shows it
// (web.SyncStatusProvider).
func (s *Sync) SyncStatus(ctx context.Context) web.SyncStatus {
	st, err := s.read(ctx)
	out := web.SyncStatus{Connected: st.Connected, LastSync: st.LastSuccess, LastError: st.LastError, Conflicts: st.OpenConflicts}
	if err != nil {
		out.LastError = "status unavailable: " + contacts.ErrorMessage(err)
	}
	if st.Connected {
		out.Account = s.google.Endpoint
		if out.Account == "" {
			out.Account = "Google Contacts"
		}
		out.Detail = fmt.Sprintf("%d contacts linked, %d changes waiting to go to Google", st.Linked, st.OutboxLength)
		out.Staff, out.Bulk, out.DoneAbout = st.Waiting.Staff, st.Waiting.Bulk, st.DoneAbout
		if st.Drain != nil {
			out.PerMinute = int(st.Drain.PerMinute + 0.5)
		}
	}
	return out
}
