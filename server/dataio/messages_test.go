package dataio

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ringcard/ringcard/contacts"
)

// An XML syntax error quotes the file's bytes; the message shown for it is
// still text (found by FuzzReadXLSX).
func TestReadErrorMessagesAreUTF8(t *testing.T) {
	sample, err := os.ReadFile(samples + "office-clients.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	parts := zipParts(t, sample)
	strs := strings.Replace(string(parts[xlsxStrings]), "<si>", "<\xfdi>", 1)
	_, err = Read("bad.xlsx", withSheet(t, parts, parts[xlsxSheet], []byte(strs)), ReadOptions{})
	if contacts.ErrorCode(err) != contacts.EInvalid {
		t.Fatalf("Read = %v, want %s", err, contacts.EInvalid)
	}
	if msg := contacts.ErrorMessage(err); !utf8.ValidString(msg) || !strings.Contains(msg, "XML syntax error") {
		t.Errorf("message %q: want valid UTF-8 naming the XML error", msg)
	}
}
