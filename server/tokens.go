package server

import "sync"

// tokenIndex maps FCM tokens to device IDs (bounded: tokens change).
type tokenIndex struct {
	mu sync.Mutex
	m  map[string]string
}

func (t *tokenIndex) put(token, deviceID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil || len(t.m) > 50_000 {
		t.m = map[string]string{}
	}
	t.m[token] = deviceID
}

func (t *tokenIndex) get(token string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.m[token]
	return id, ok
}
