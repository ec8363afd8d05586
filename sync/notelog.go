package contactsync

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ringcard/ringcard/contacts"
)

// The call-note log ringcard writes into the Google contact's note
// (biographies) sits between these lines, below the free text staff wrote
// there, which ringcard never changes.
const (
	logStart = "── ringcard call notes ──"
	logEnd   = "── end of ringcard notes ──"
)

// maxEntryRunes bounds one note in the log.
const maxEntryRunes = 300

// minEntryRunes is the shortest cut entry worth adding.
const minEntryRunes = 40

// splitNoteLog returns the free text of a Google note: everything outside
// ringcard's log block (text typed below the block is kept too).
func splitNoteLog(bio string) string {
	i := strings.Index(bio, logStart)
	if i < 0 {
		return bio
	}
	before, after := bio[:i], ""
	if j := strings.Index(bio[i:], logEnd); j >= 0 {
		after = bio[i+j+len(logEnd):]
	}
	return joinText(strings.TrimRight(before, " \n"), strings.TrimLeft(after, " \n"))
}

func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}

// composeNote builds the Google note: the free text, then a dated log of
// the latest notes (newest first, author in parentheses) that fits in
// limit characters with it. The free text is never cut; when it leaves no
// room, the log is left out.
func composeNote(free string, notes []contacts.Note, limit int, loc *time.Location) string {
	if len(notes) == 0 {
		return free
	}
	head := logStart
	if free != "" {
		head = free + "\n\n" + logStart
	}
	used := utf8.RuneCountInString(head) + 1 + utf8.RuneCountInString(logEnd)
	var lines []string
	for _, n := range notes {
		text := strings.Join(strings.Fields(n.Text), " ")
		line := n.At.In(loc).Format("2006-01-02 15:04") + " (" + n.Author + "): " + contacts.Truncate(text, maxEntryRunes)
		if room := limit - used - 1; utf8.RuneCountInString(line) > room {
			if room >= minEntryRunes { // the last one that fits, cut
				lines = append(lines, contacts.Truncate(line, room))
			}
			break
		}
		used += utf8.RuneCountInString(line) + 1
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return free
	}
	return head + "\n" + strings.Join(lines, "\n") + "\n" + logEnd
}
