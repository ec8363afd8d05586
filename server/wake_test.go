package server

import "testing"

// A phone without a socket is told to connect once, not once per change;
// once it has connected and left again, the next change tells it again.
func TestSyncTickleThrottle(t *testing.T) {
	w := &fcmWaker{}
	if !w.syncDue("a") || !w.markSync("a") {
		t.Fatal("the first tickle was held back")
	}
	if w.syncDue("a") || w.markSync("a") {
		t.Error("a second tickle went out within syncEvery")
	}
	if !w.markSync("b") {
		t.Error("another phone's tickle was held back")
	}
	w.connected("a")
	if !w.syncDue("a") || !w.markSync("a") {
		t.Error("after the phone connected, its next tickle was held back")
	}
}
