package messages

import (
	"strings"
	"unicode"
)

// stopWords are the opt-out replies in English, Russian and Italian.
var stopWords = map[string]bool{
	"stop": true, "unsubscribe": true, "стоп": true, "отписаться": true, "отписка": true,
	"basta": true, "cancella": true, "cancellami": true, "disiscrivi": true,
}

// IsStop reports whether an incoming SMS is an opt-out: its first word (case
// and punctuation aside) is STOP or its Russian or Italian equivalent, so
// "Stop, please" opts out but "don't stop" does not.
func IsStop(text string) bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	return len(words) > 0 && stopWords[words[0]]
}
