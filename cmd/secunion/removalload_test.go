package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"secunion/removal"
)

// BenchmarkRemovalLoad measures sustained issuance of removal orders with
// delivery to simulated providers on loopback, on SQLite (issue 5's
// target: at least 500 orders/s with a p99 from issue to receipt of at
// most 1 s). A node serves in this process on a new data folder; fast
// simulated providers acknowledge each webhook push with a signed receipt
// and remove the content half a second to three seconds later through
// the API; the simulated competent authority issues orders through the
// API at a fixed rate, from at most 64 requests under way, to the
// providers in turn. Run
//
//	go test ./cmd/secunion -run '^$' -bench RemovalLoad -benchtime 1x
//
// with SECUNION_LOAD_RATE (orders per second, default 500),
// SECUNION_LOAD_SECONDS (the issuing window, default 20) and
// SECUNION_LOAD_PROVIDERS (default 100); add -cpuprofile to see where the
// node spends its time. It reports
//
//	orders/s       orders accepted (201) per second of the issuing window
//	p50-ms p99-ms  from an order's issue to its receipt, as the node
//	max-ms         recorded both: the receipt is the provider's signed
//	               acknowledgement of the push
//	issue-p99-ms   the issuing request's time to its answer
//	failed         issuing requests not accepted
//	cpu-ms/order   CPU time of node, providers and clients per order,
//	               from the first order to the last receipt: what bounds
//	               the rate the machine's cores can carry, and a figure
//	               that holds when other work shares them
func BenchmarkRemovalLoad(b *testing.B) {
	rate := loadKnob(b, "SECUNION_LOAD_RATE", 500)
	window := time.Duration(loadKnob(b, "SECUNION_LOAD_SECONDS", 20) * float64(time.Second))
	n := int(loadKnob(b, "SECUNION_LOAD_PROVIDERS", 100))
	ctx := context.Background()
	data := b.TempDir()
	hooks, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	providers, issuer := simProvidersIn(b, data, n, "http://"+hooks.Addr().String())
	base := serveHere(b, data)
	sim := newProviderSim(base, providers, 1)
	hookSrv := &http.Server{Handler: sim}
	go hookSrv.Serve(hooks)
	defer hookSrv.Close()

	// The first order to each provider is an emergency (no procedure
	// information went 12 hours before); it also opens the connections.
	var warm []removal.Order
	for i, p := range providers {
		o, err := sim.issueOne(ctx, issuer, p, i, true)
		if err != nil {
			b.Fatal(err)
		}
		warm = append(warm, o)
	}
	received(b, sim, providers, warm, time.Minute)

	b.ResetTimer()
	cpu0 := cpuTime(b)
	var issued []removal.Order
	var took []time.Duration
	var spent time.Duration
	failed := 0
	for range b.N {
		start := time.Now()
		accepted, times, refused := issueAtRate(ctx, sim, issuer, providers, rate, window)
		spent += time.Since(start)
		issued, took, failed = append(issued, accepted...), append(took, times...), failed+refused
	}
	b.StopTimer()
	orders := received(b, sim, providers, issued, window+time.Minute)
	cpu := cpuTime(b) - cpu0

	// Issue to receipt, and its two legs: to the push's arrival at the
	// webhook, and from there to the receipt recorded.
	var lat, toPush, toRecord []time.Duration
	for _, o := range orders {
		p, _ := sim.pushesOf(o.ID)
		lat = append(lat, o.Received.Sub(o.Issued))
		toPush, toRecord = append(toPush, p.First.Sub(o.Issued)), append(toRecord, o.Received.Sub(p.First))
	}
	slices.Sort(lat)
	slices.Sort(toPush)
	slices.Sort(toRecord)
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(float64(len(issued))/spent.Seconds(), "orders/s")
	b.ReportMetric(ms(quantile(lat, 0.50)), "p50-ms")
	b.ReportMetric(ms(quantile(lat, 0.99)), "p99-ms")
	b.ReportMetric(ms(quantile(lat, 1)), "max-ms")
	b.ReportMetric(ms(quantile(took, 0.99)), "issue-p99-ms")
	b.ReportMetric(float64(failed), "failed")
	b.ReportMetric(ms(cpu)/float64(len(issued)), "cpu-ms/order")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d orders to %d providers at %.0f/s asked for %s: %.0f/s accepted; issue to receipt p50 %s p99 %s max %s "+
		"(to the push p50 %s p99 %s, then to the receipt recorded p50 %s p99 %s); %d pushes, %d repeated, %d answers",
		len(issued), n, rate, window, float64(len(issued))/spent.Seconds(), quantile(lat, 0.5), quantile(lat, 0.99), quantile(lat, 1),
		quantile(toPush, 0.5), quantile(toPush, 0.99), quantile(toRecord, 0.5), quantile(toRecord, 0.99),
		sim.Pushes.Load(), sim.Repeats.Load(), sim.Answered.Load())
}

// issueAtRate issues orders at rate per second for window, from at most
// 64 requests under way (when all are, the rate falls behind), and
// returns those accepted, every request's time to its answer, and how
// many were not accepted.
func issueAtRate(ctx context.Context, sim *providerSim, issuer simProvider, providers []simProvider, rate float64, window time.Duration) ([]removal.Order, []time.Duration, int) {
	jobs := make(chan int)
	var mu sync.Mutex
	var orders []removal.Order
	var took []time.Duration
	failed := 0
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for i := range jobs {
				t0 := time.Now()
				o, err := sim.issueOne(ctx, issuer, providers[i%len(providers)], i, false)
				d := time.Since(t0)
				mu.Lock()
				took = append(took, d)
				if err != nil {
					failed++
				} else {
					orders = append(orders, o)
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	for i := 0; ; i++ {
		at := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		if at.Sub(start) >= window {
			break
		}
		time.Sleep(time.Until(at))
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return orders, took, failed
}

// received waits until the providers got every one of orders and the node
// recorded its receipt, and returns the orders as the node holds them,
// read from each provider's list.
func received(b *testing.B, sim *providerSim, providers []simProvider, orders []removal.Order, limit time.Duration) []removal.Order {
	b.Helper()
	waitUntil(b, limit, "every order pushed to its provider", func() bool {
		for _, o := range orders {
			if _, ok := sim.pushesOf(o.ID); !ok {
				return false
			}
		}
		return true
	})
	want := map[string]bool{}
	for _, o := range orders {
		want[o.ID] = true
	}
	var out []removal.Order
	waitUntil(b, 30*time.Second, "every receipt recorded", func() bool {
		out = out[:0]
		for _, p := range providers {
			var list struct{ Orders []removal.Order }
			if err := sim.call(context.Background(), p.Token, "GET", "/api/v1/removal-orders?limit=1000", nil, &list); err != nil {
				b.Fatal(err)
			}
			if len(list.Orders) == 1000 {
				b.Fatalf("%s has 1000 orders or more, past one page: use more providers or a shorter window", p.Code)
			}
			for _, o := range list.Orders {
				if want[o.ID] {
					if o.Received.IsZero() {
						return false
					}
					out = append(out, o)
				}
			}
		}
		return true
	})
	if len(out) != len(want) {
		b.Fatalf("%d orders accepted, %d found in the providers' lists", len(want), len(out))
	}
	return out
}

// serveHere runs `secunion serve` in this process on data until the
// benchmark ends, logging only warnings and errors, and returns its URL.
func serveHere(b *testing.B, data string) string {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := serveFlags{storeFlags: storeFlags{data: data}, addr: "127.0.0.1:0"}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	db, keys, err := f.open(ctx, log, false)
	if err != nil {
		b.Fatal(err)
	}
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- serve(ctx, f, db, keys, log, func(addr string) { ready <- addr }) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("serve stopped with %v", err)
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		b.Fatalf("serve: %v", err)
	}
	return ""
}

// cpuTime returns the CPU time this process has used, in user and
// kernel mode: node, providers and clients together.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// loadKnob reads a positive number from the environment, or gives def.
func loadKnob(b *testing.B, name string, def float64) float64 {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		b.Fatalf("%s=%q: give a positive number", name, s)
	}
	return v
}

// quantile returns the q-quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}
