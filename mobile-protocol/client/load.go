package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// LoadConfig describes a load run: many phones connected, calls at a fixed
// rate, each answered by a card whose latency is measured.
type LoadConfig struct {
	Rate     float64            // calls per second, over all phones
	Duration time.Duration      // how long to place calls
	Number   func(i int) string // the number of the i-th call
	OverREST bool               // POST /calls instead of call.started on the socket
}

// LoadResult is what a load run measured.
type LoadResult struct {
	Calls    int
	Errors   int
	P50, P99 time.Duration
	Max      time.Duration
	Events   int64 // numbered events received by all phones
}

func (r LoadResult) String() string {
	return fmt.Sprintf("%d calls, %d errors, p50 %s, p99 %s, max %s, %d events pushed", r.Calls, r.Errors, r.P50, r.P99, r.Max, r.Events)
}

// Fleet is many paired phones with open sockets: PairFleet pairs them, or
// a Fleet literal takes Clients already paired.
type Fleet struct {
	Clients []*Client
	sockets []*Socket
	events  atomic.Int64
	lastAt  atomic.Int64 // when the latest event arrived (UnixNano)
	mu      sync.Mutex
	waiting map[*Socket]map[string]chan protocol.Envelope
	wg      sync.WaitGroup
}

// PairFleet pairs one phone per code (concurrently, a few at a time).
func PairFleet(ctx context.Context, baseURL string, codes []string, opts ...Option) (*Fleet, error) {
	f := &Fleet{Clients: make([]*Client, len(codes)), waiting: map[*Socket]map[string]chan protocol.Envelope{}}
	sem := make(chan struct{}, 16)
	errs := make(chan error, len(codes))
	var wg sync.WaitGroup
	for i, code := range codes {
		wg.Add(1)
		go func(i int, code string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := New(baseURL, "", opts...)
			defer c.HTTP.CloseIdleConnections() // idle phones keep their socket only
			if _, err := c.Pair(ctx, protocol.PairRequest{Code: code, DeviceName: fmt.Sprintf("load phone %d", i), Platform: "simulator",
				SIMs: []protocol.SIM{{Slot: 1, Label: "Work"}}}); err != nil {
				errs <- fmt.Errorf("pair phone %d: %w", i, err)
				return
			}
			f.Clients[i] = c
		}(i, code)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return f, nil
}

// Connect opens and resumes every phone's socket and starts reading.
func (f *Fleet) Connect(ctx context.Context) error {
	return f.ConnectWith(ctx, FleetOptions{Resume: true})
}

// FleetOptions say how a fleet's phones open their sockets.
type FleetOptions struct {
	// Resume sends resume (with Batch and Compact) first, so the phone gets
	// every change; without it the phone gets answers only (no fan-out).
	Resume, Batch, Compact bool
}

// ConnectWith opens every phone's socket as opts say and starts reading.
func (f *Fleet) ConnectWith(ctx context.Context, opts FleetOptions) error {
	for _, c := range f.Clients {
		s, err := c.Connect(ctx)
		if err != nil {
			return err
		}
		if opts.Resume {
			if _, err := s.ResumeWith(protocol.Resume{Batch: opts.Batch, Compact: opts.Compact}); err != nil {
				return err
			}
		}
		f.mu.Lock()
		f.sockets = append(f.sockets, s)
		if f.waiting == nil { // a Fleet made of already paired Clients
			f.waiting = map[*Socket]map[string]chan protocol.Envelope{}
		}
		f.waiting[s] = map[string]chan protocol.Envelope{}
		f.mu.Unlock()
		f.wg.Add(1)
		go f.read(s)
	}
	return nil
}

func (f *Fleet) read(s *Socket) {
	defer f.wg.Done()
	head := make([]byte, 64)
	buf := make([]byte, 4096)
	for {
		_, r, err := s.ws.NextReader()
		if err != nil {
			return
		}
		n, _ := io.ReadFull(r, head)
		if bytes.HasPrefix(head[:n], []byte(`{"type":"batch","payload":`)) {
			// Every frame is read whole, as a phone does; events are
			// counted, not decoded, and nothing is allocated per frame:
			// the load must not starve the server (or itself).
			k, err := countSeqs(r, head[:n], buf)
			if err != nil {
				return
			}
			f.events.Add(int64(k))
			f.arrived()
			continue
		}
		if bytes.Contains(head[:n], []byte(`"seq":`)) {
			_, _ = io.Copy(io.Discard, r)
			f.events.Add(1)
			f.arrived()
			continue
		}
		rest, err := io.ReadAll(r)
		if err != nil {
			return
		}
		data := append(head[:n:n], rest...)
		var env protocol.Envelope
		if json.Unmarshal(data, &env) != nil || env.Re == "" {
			continue
		}
		f.mu.Lock()
		ch := f.waiting[s][env.Re]
		delete(f.waiting[s], env.Re)
		f.mu.Unlock()
		if ch != nil {
			ch <- env
		}
	}
}

var seqKey = []byte(`,"seq":`)

// countSeqs reads the rest of a batch frame (its first bytes are in head)
// through buf and counts its events.
func countSeqs(r io.Reader, head, buf []byte) (int, error) {
	carry := copy(buf, head)
	count := 0
	for {
		n, err := r.Read(buf[carry:])
		total := carry + n
		count += bytes.Count(buf[:total], seqKey)
		// Keep a tail shorter than the key: a key split between reads is
		// counted once, when its end arrives.
		keep := min(total, len(seqKey)-1)
		copy(buf, buf[total-keep:total])
		carry = keep
		if err == io.EOF {
			return count, nil
		}
		if err != nil {
			return count, err
		}
	}
}

// Close closes every socket.
func (f *Fleet) Close() {
	for _, s := range f.sockets {
		s.Close()
	}
	f.wg.Wait()
}

// Events is how many numbered events the fleet has received.
func (f *Fleet) Events() int64 { return f.events.Load() }

func (f *Fleet) arrived() {
	now := time.Now().UnixNano()
	for {
		old := f.lastAt.Load()
		if now <= old || f.lastAt.CompareAndSwap(old, now) {
			return
		}
	}
}

// WaitEvents waits until the fleet has received n numbered events in all
// and returns when the last of them arrived (read whole by its phone).
func (f *Fleet) WaitEvents(ctx context.Context, n int64) (time.Time, error) {
	for f.events.Load() < n {
		if err := ctx.Err(); err != nil {
			return time.Time{}, fmt.Errorf("%d of %d events arrived: %w", f.events.Load(), n, err)
		}
		time.Sleep(50 * time.Microsecond)
	}
	return time.Unix(0, f.lastAt.Load()), nil
}

// Run places calls at cfg.Rate for cfg.Duration from the fleet's phones in
// turn and measures call -> card latency.
func (f *Fleet) Run(ctx context.Context, cfg LoadConfig) LoadResult {
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	start := time.Now()
	startEvents := f.events.Load()
	for i := 0; time.Since(start) < cfg.Duration && ctx.Err() == nil; i++ {
		next := start.Add(time.Duration(i) * interval)
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d, err := f.call(ctx, i, cfg)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
				return
			}
			lat = append(lat, d)
		}(i)
	}
	wg.Wait()
	res := LoadResult{Calls: len(lat) + errs, Errors: errs, Events: f.events.Load() - startEvents}
	if len(lat) > 0 {
		sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
		res.P50 = lat[len(lat)/2]
		res.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
		res.Max = lat[len(lat)-1]
	}
	return res
}

func (f *Fleet) call(ctx context.Context, i int, cfg LoadConfig) (time.Duration, error) {
	phone := i % len(f.Clients)
	number := cfg.Number(i)
	req := protocol.CallStart{CallID: contacts.NewID(), Direction: "incoming", Number: &number, SIMSlot: 1, StartedAt: time.Now().Format(time.RFC3339)}
	start := time.Now()
	if cfg.OverREST {
		card, err := f.Clients[phone].StartCall(ctx, req)
		if err == nil && card.Number == nil {
			err = fmt.Errorf("card without number")
		}
		return time.Since(start), err
	}
	s := f.sockets[phone]
	ch := make(chan protocol.Envelope, 1)
	id := contacts.NewID()
	f.mu.Lock()
	f.waiting[s][id] = ch
	f.mu.Unlock()
	b, _ := json.Marshal(req)
	env, _ := json.Marshal(protocol.Envelope{Type: protocol.TypeCallStarted, ID: id, Payload: b})
	if err := s.SendRaw(env); err != nil {
		return 0, err
	}
	select {
	case ans := <-ch:
		if ans.Type != protocol.TypeCard {
			return 0, fmt.Errorf("answer %s: %s", ans.Type, ans.Payload)
		}
		return time.Since(start), nil
	case <-time.After(30 * time.Second):
		return 0, fmt.Errorf("no answer in 30 s")
	}
}
