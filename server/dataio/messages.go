package dataio

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/ringcard/ringcard/contacts"
)

// validMessage makes a user error's message valid UTF-8. The file libraries
// quote the file's own bytes in their errors (an XML syntax error names the
// bad tag), and the message is shown on a page, printed and sent as JSON.
func validMessage(err error) error {
	var e *contacts.Error
	if errors.As(err, &e) && !utf8.ValidString(e.Message) {
		e.Message = strings.ToValidUTF8(e.Message, "\uFFFD")
	}
	return err
}
