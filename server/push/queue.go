package push

import (
	"container/heap"
	"container/list"
	"time"
)

// item is one queued message with its delivery state.
type item struct {
	msg     Message
	attempt int       // sends made so far
	due     time.Time // earliest next send, for retries
	expires time.Time // give up at this time (enqueue time + TTL)
	lane    int       // index into queue.fresh while there
	elem    *list.Element
	index   int // position in queue.retry, -1 when not there
}

const (
	laneHigh   = 0 // dial and urgent events
	laneNormal = 1 // sync and non-urgent events
)

// queue holds pending items: two FIFO lanes of fresh messages, high
// priority first, and a min-heap of retries ordered by due time. It also
// indexes the queued sync tickle of each token for coalescing. It is not
// safe for concurrent use; Dispatcher guards it with its mutex.
type queue struct {
	fresh [2]*list.List
	retry retryHeap
	syncs map[string]*item
}

func newQueue() *queue {
	return &queue{fresh: [2]*list.List{list.New(), list.New()}, syncs: make(map[string]*item)}
}

func (q *queue) len() int {
	return q.fresh[laneHigh].Len() + q.fresh[laneNormal].Len() + len(q.retry)
}

func (q *queue) pushFresh(it *item) {
	it.lane = laneNormal
	if it.msg.HighPriority() {
		it.lane = laneHigh
	}
	it.index = -1
	it.elem = q.fresh[it.lane].PushBack(it)
	if it.msg.Kind == KindSync {
		q.syncs[it.msg.Token] = it
	}
}

func (q *queue) pushRetry(it *item) {
	heap.Push(&q.retry, it)
	if it.msg.Kind == KindSync {
		q.syncs[it.msg.Token] = it
	}
}

// remove takes it out of whichever structure holds it.
func (q *queue) remove(it *item) {
	if it.elem != nil {
		q.fresh[it.lane].Remove(it.elem)
		it.elem = nil
	}
	if it.index >= 0 {
		heap.Remove(&q.retry, it.index)
	}
	if it.msg.Kind == KindSync && q.syncs[it.msg.Token] == it {
		delete(q.syncs, it.msg.Token)
	}
}

// next removes and returns the item to send at now: a due retry first,
// then the high lane, then the normal lane. Otherwise it returns nil and
// the time until the earliest retry is due (0 if none is waiting).
func (q *queue) next(now time.Time) (*item, time.Duration) {
	if len(q.retry) > 0 && !q.retry[0].due.After(now) {
		it := q.retry[0]
		q.remove(it)
		return it, 0
	}
	for _, l := range q.fresh {
		if f := l.Front(); f != nil {
			it := f.Value.(*item)
			q.remove(it)
			return it, 0
		}
	}
	if len(q.retry) > 0 {
		return nil, q.retry[0].due.Sub(now)
	}
	return nil, 0
}

// oldestSync returns the oldest fresh sync tickle, or nil.
func (q *queue) oldestSync() *item {
	for e := q.fresh[laneNormal].Front(); e != nil; e = e.Next() {
		if it := e.Value.(*item); it.msg.Kind == KindSync {
			return it
		}
	}
	return nil
}

// removeToken drops every queued item for token and returns how many.
func (q *queue) removeToken(token string) int {
	var doomed []*item
	for _, l := range q.fresh {
		for e := l.Front(); e != nil; e = e.Next() {
			if it := e.Value.(*item); it.msg.Token == token {
				doomed = append(doomed, it)
			}
		}
	}
	for _, it := range q.retry {
		if it.msg.Token == token {
			doomed = append(doomed, it)
		}
	}
	for _, it := range doomed {
		q.remove(it)
	}
	return len(doomed)
}

// retryHeap is a container/heap of items ordered by due time.
type retryHeap []*item

func (h retryHeap) Len() int           { return len(h) }
func (h retryHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h retryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *retryHeap) Push(x any) {
	it := x.(*item)
	it.index = len(*h)
	*h = append(*h, it)
}

func (h *retryHeap) Pop() any {
	old := *h
	n := len(old)
	it := old[n-1]
	old[n-1] = nil
	it.index = -1
	*h = old[:n-1]
	return it
}
