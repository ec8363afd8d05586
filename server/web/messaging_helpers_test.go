package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/config"
)

// messagingEnv is a server that may send SMS at any hour, with a paired
// phone (Giulia, whose device it returns) and a staff account "sam" beside
// the admin: the set-up every messaging page test starts from.
func messagingEnv(t *testing.T) (*env, protocol.DeviceInfo) {
	t.Helper()
	e := newEnv(t, func(c *config.Config) { c.Messages.SMSHours = "any" })
	ph := e.phone(t, "Giulia")
	var info protocol.DeviceInfo
	if err := ph.Do(context.Background(), http.MethodGet, "/api/v1/device", nil, &info); err != nil {
		t.Fatal(err)
	}
	e.addUser(t, "sam", sqlite.RoleStaff)
	return e, info
}

// mobileContact is the first demo contact with a mobile number and a given
// name (an SMS can reach it and {first_name} fills in).
func mobileContact(t *testing.T, e *env) *contacts.Contact {
	t.Helper()
	var ct *contacts.Contact
	_ = e.DB.EachContact(context.Background(), func(c *contacts.Contact) error {
		for _, n := range c.Numbers {
			if ct == nil && n.Type == "mobile" && n.E164 != "" && c.GivenName != "" {
				ct = c
			}
		}
		return nil
	})
	if ct == nil {
		t.Fatal("no demo contact with a mobile number")
	}
	return ct
}
