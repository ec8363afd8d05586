package peoplestub

import (
	"net/http"
	"sync"
	"time"
)

// quotaWindow is the span Google's per-minute quotas count over.
const quotaWindow = time.Minute

// quotaState counts the requests of the last minute (the stub serves one
// account, so per account is per stub). A batch request counts once, as
// Google counts requests, not the contacts in them; a refused request
// does not count.
type quotaState struct {
	mu   sync.Mutex
	all  []time.Time // every request served
	full []time.Time // first pages of full contact listings
}

// take counts r against the quotas, or answers the 429 Google would.
func (s *Server) takeQuota(r *http.Request, op string) *apiError {
	if s.opts.QuotaPerMinute <= 0 && s.opts.FullSyncQuotaPerMinute <= 0 {
		return nil
	}
	now := s.now()
	q := &s.quota
	q.mu.Lock()
	defer q.mu.Unlock()
	q.all = recent(q.all, now)
	q.full = recent(q.full, now)
	first := op == "people.connections.list" && r.URL.Query().Get("pageToken") == "" && r.URL.Query().Get("syncToken") == ""
	if first && s.opts.FullSyncQuotaPerMinute > 0 && len(q.full) >= s.opts.FullSyncQuotaPerMinute {
		return errQuota(quotaFullSync, s.opts.FullSyncQuotaPerMinute)
	}
	if s.opts.QuotaPerMinute > 0 && len(q.all) >= s.opts.QuotaPerMinute {
		return errQuota(quotaCritical, s.opts.QuotaPerMinute)
	}
	q.all = append(q.all, now)
	if first {
		q.full = append(q.full, now)
	}
	return nil
}

// recent drops what is older than the quota window.
func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= quotaWindow {
		i++
	}
	return ts[i:]
}
