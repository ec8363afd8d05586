package server

import (
	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/officeapi"
)

// liveFeed is the office's live feed (officeapi.Feed; the office's socket
// to it is officeapi.Board) as the call path publishes to it.
type liveFeed struct{ officeapi.Feed }

func (f *liveFeed) callStarted(c *contacts.Call, card contacts.Card) {
	f.CallStarted(c, card.DisplayName)
}

func (f *liveFeed) callEnded(c *contacts.Call, name string) { f.CallEnded(c, name) }
