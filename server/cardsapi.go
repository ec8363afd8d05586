package server

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/metrics"
)

func (s *Server) lookupCard(c *gin.Context) error {
	raw, ok := c.GetQuery("number")
	if !ok {
		return contacts.Errorf(contacts.EInvalid, "number: required")
	}
	// A "+" sent unescaped arrives as a space: put it back, unless the
	// number already has its "+" after the spaces.
	if trimmed := strings.TrimSpace(raw); strings.HasPrefix(raw, " ") && !strings.HasPrefix(trimmed, "+") {
		raw = "+" + trimmed
	} else {
		raw = trimmed
	}
	start := time.Now()
	p, err := s.norm.Parse(raw, "")
	if err != nil {
		return err
	}
	card, err := s.cardFor(c.Request.Context(), &p, nil, nil)
	if err != nil {
		return err
	}
	s.metrics.CardAnswered(metrics.ViaLookup, time.Since(start))
	c.JSON(http.StatusOK, protocol.CardResponse{Card: wireCard(card)})
	return nil
}

// directory pages through every contact changed after the cursor.
func (s *Server) directory(c *gin.Context) error {
	after, err := parseCursor(c.Query("since"))
	if err != nil {
		return err
	}
	limit := 500
	if v, ok := c.GetQuery("limit"); ok {
		limit, err = strconv.Atoi(v)
		if err != nil || limit < 1 || limit > 1000 {
			return contacts.Errorf(contacts.EInvalid, "limit: a number from 1 to 1000")
		}
	}
	ctx := c.Request.Context()
	changed, err := s.db.Changes(ctx, after, limit+1)
	if err != nil {
		return err
	}
	if len(changed) == 0 && after > 0 {
		// A cursor past every change here: the database was restored from an
		// older backup (or the cursor is from another server). Going on from
		// it would silently miss every change made since the backup.
		maxRev, err := s.db.MaxRev(ctx)
		if err != nil {
			return err
		}
		if after > maxRev {
			return contacts.Errorf(contacts.EInvalid, "since: this cursor is ahead of this server's contacts (was the database restored from a backup?): fetch the directory again without since")
		}
	}
	out := protocol.Directory{Cards: []protocol.Card{}, Removed: []string{}, Cursor: formatCursor(after)}
	if len(changed) > limit {
		out.More, changed = true, changed[:limit]
	}
	for _, ct := range changed {
		out.Cursor = formatCursor(ct.Rev)
		if ct.Deleted {
			out.Removed = append(out.Removed, ct.ID)
			continue
		}
		card, err := s.contactCard(ctx, ct, true)
		if err != nil {
			return err
		}
		out.Cards = append(out.Cards, wireCard(card))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// Cursors are opaque to phones: "v1:<rev>" in URL-safe base64.
func formatCursor(rev int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + strconv.FormatInt(rev, 10)))
}

func parseCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if v, ok := strings.CutPrefix(string(b), "v1:"); ok {
			if rev, err := strconv.ParseInt(v, 10, 64); err == nil && rev >= 0 {
				return rev, nil
			}
		}
	}
	return 0, contacts.Errorf(contacts.EInvalid, "since: not a cursor this server gave out")
}

// createContact makes a contact from a phone (a new client after a call).
func (s *Server) createContact(c *gin.Context) (protocol.Card, error) {
	var req protocol.ContactCreate
	if err := s.readJSON(c, &req); err != nil {
		return protocol.Card{}, err
	}
	switch {
	case req.ClientID == "":
		return protocol.Card{}, contacts.Errorf(contacts.EInvalid, "client_id: required")
	case !contacts.ValidID(req.ClientID):
		return protocol.Card{}, contacts.Errorf(contacts.EInvalid, "client_id: must be a UUID")
	case strings.TrimSpace(req.DisplayName) == "" && strings.TrimSpace(req.Company) == "":
		return protocol.Card{}, contacts.Errorf(contacts.EInvalid, "display_name: required")
	case len(req.Numbers) > 20:
		return protocol.Card{}, contacts.Errorf(contacts.EInvalid, "numbers: at most 20")
	}
	ct := &contacts.Contact{DisplayName: strings.TrimSpace(req.DisplayName), Company: strings.TrimSpace(req.Company),
		JobTitle: req.JobTitle, Groups: cleanGroups(req.Groups), Note: req.Note}
	if req.Email != "" {
		ct.Emails = []contacts.Email{{Address: req.Email}}
	}
	for i, n := range req.Numbers {
		if strings.TrimSpace(n.Number) == "" {
			return protocol.Card{}, contacts.Errorf(contacts.EInvalid, "numbers[%d].number: required", i)
		}
		ct.Numbers = append(ct.Numbers, contacts.Number{Raw: strings.TrimSpace(n.Number), Type: n.Type, Label: n.Label})
	}
	ctx := c.Request.Context()
	if _, err := s.db.CreateContact(ctx, ct, req.ClientID); err != nil {
		return protocol.Card{}, err
	}
	// Calls and notes of its numbers from before joined its history as it
	// was created; the card shows its first number with the others sharing it.
	card, err := s.contactCard(ctx, ct, false)
	if err != nil {
		return protocol.Card{}, err
	}
	return wireCard(card), nil
}

func (s *Server) postContact(c *gin.Context) error {
	card, err := s.createContact(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, protocol.CardResponse{Card: card})
	return nil
}

func cleanGroups(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range in {
		g = strings.TrimSpace(g)
		if g != "" && !seen[strings.ToLower(g)] {
			seen[strings.ToLower(g)] = true
			out = append(out, g)
		}
	}
	return out
}
