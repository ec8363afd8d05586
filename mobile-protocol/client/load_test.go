package client

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// TestCountSeqs: the load generator counts a batch's events as it reads
// the frame, however the reads split it.
func TestCountSeqs(t *testing.T) {
	frame, err := os.ReadFile(filepath.Join("..", "examples", "ws.batch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var compacted bytes.Buffer
	if err := json.Compact(&compacted, frame); err != nil {
		t.Fatal(err)
	}
	data := compacted.Bytes()
	for _, split := range []int{0, 1, 7, 37, 63, 64} { // the reader's head is 64 bytes
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = bytes.NewReader(data[split:])
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			got, err := countSeqs(r, data[:split], make([]byte, 72))
			if err != nil || got != 4 {
				t.Errorf("head %d bytes, one byte at a time %v: %d events (%v), want 4", split, oneByte, got, err)
			}
		}
	}
}
