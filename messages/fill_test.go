package messages_test

import (
	"testing"

	"github.com/ringcard/ringcard/messages"
)

// Fill is one pass: a value that looks like a placeholder ("{x}", or even
// "{name}") is written as it is, never filled again nor refused.
func TestFillValuesAreNotPlaceholders(t *testing.T) {
	f := messages.Fields{"name": "{order} & {x}", "order": "RC-2026-{name}", "company": "{"}
	got, err := messages.Fill("Hi {name}, order {order} ({company})", f)
	if err != nil || got != "Hi {order} & {x}, order RC-2026-{name} ({)" {
		t.Fatalf("Fill = %q, %v", got, err)
	}
	if _, err := messages.Fill("{order} {x}", f); err == nil {
		t.Error("an unknown placeholder in the text was accepted")
	}
}
