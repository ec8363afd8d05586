package web

import "testing"

// Where sign-in and the follow-up actions send the browser back to: only
// a path on this server, whatever the browser would make of it.
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/contacts/demo-0001#followups": "/contacts/demo-0001#followups",
		"/followups?who=me":             "/followups?who=me",
		"":                              "/",
		"https://evil.example/":         "/",
		"//evil.example":                "/",
		"/\\evil.example":               "/",
		"/\t/evil.example":              "/",
		"/\n/evil.example":              "/",
		"/signin?next=/":                "/",
		"/a\\b":                         "/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
