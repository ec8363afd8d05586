package server

import (
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

func callStart(number string) protocol.CallStart {
	return protocol.CallStart{CallID: contacts.NewID(), Direction: contacts.Incoming, Number: &number, SIMSlot: 1, StartedAt: time.Now().Format(time.RFC3339)}
}
