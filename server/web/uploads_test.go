package web

import (
	"bytes"
	"testing"
	"time"
)

// Checked files are kept per user, taken once, and bounded in number and
// in bytes (the oldest go first).
func TestUploadsBounded(t *testing.T) {
	u := &uploads{maxFiles: 3, maxBytes: 100}
	put := func(login string, size int, age time.Duration) string {
		t.Helper()
		id, err := u.put(&upload{login: login, data: bytes.Repeat([]byte{'x'}, size), at: time.Now().Add(-age)})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := put("anna", 40, 3*time.Minute)
	b := put("anna", 40, 2*time.Minute)
	if _, ok := u.take(b, "marco"); ok {
		t.Fatal("another user took anna's file")
	}
	c := put("anna", 40, time.Minute) // 120 bytes: the oldest (a) goes
	if _, ok := u.take(a, "anna"); ok {
		t.Error("the oldest file was kept past the byte bound")
	}
	d := put("anna", 10, 0)
	e := put("anna", 10, 0) // 4 files: the oldest left (b) goes
	if _, ok := u.take(b, "anna"); ok {
		t.Error("a file was kept past the count bound")
	}
	for _, id := range []string{c, d, e} {
		if _, ok := u.take(id, "anna"); !ok {
			t.Errorf("file %s lost", id)
		}
		if _, ok := u.take(id, "anna"); ok {
			t.Errorf("file %s taken twice", id)
		}
	}
	old := put("anna", 1, uploadTTL+time.Minute)
	if _, ok := u.take(old, "anna"); ok {
		t.Error("an expired file was taken")
	}
}
