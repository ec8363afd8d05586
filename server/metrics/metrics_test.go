package metrics_test

import (
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/metrics"
)

// BenchmarkCardAnswered is what counting a card adds to the call path: one
// counter add and one histogram observation.
func BenchmarkCardAnswered(b *testing.B) {
	m := metrics.New(metrics.Source{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.CardAnswered(metrics.ViaWebsocket, 3*time.Millisecond)
		}
	})
}
