package access

import (
	"sync"
	"time"
)

// Throttle slows down password guessing. After FreeFailures failed logins
// for the same login or from the same address within Window, each further
// attempt must wait twice as long as the previous one (1 s, 2 s, 4 s, … up
// to MaxDelay). A success clears the login's record. State is per node and
// in memory: a restart forgives, which argon2id's cost makes acceptable.
type Throttle struct {
	FreeFailures int
	Window       time.Duration
	MaxDelay     time.Duration

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	count int
	last  time.Time
}

// NewThrottle returns a throttle with 5 free failures, a 15-minute window
// and a 15-minute maximum delay.
func NewThrottle() *Throttle {
	return &Throttle{FreeFailures: 5, Window: 15 * time.Minute, MaxDelay: 15 * time.Minute, keys: map[string]*failures{}}
}

// Wait returns how long the caller must still wait before another attempt
// for any of keys (e.g. "login:anna", "ip:192.0.2.1") is allowed; zero
// when it is allowed now.
func (t *Throttle) Wait(now time.Time, keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wait(now, keys)
}

func (t *Throttle) wait(now time.Time, keys []string) time.Duration {
	var wait time.Duration
	for _, k := range keys {
		f := t.keys[k]
		if f == nil || now.Sub(f.last) > t.Window || f.count < t.FreeFailures {
			continue
		}
		delay := time.Second << min(f.count-t.FreeFailures, 20)
		if delay > t.MaxDelay {
			delay = t.MaxDelay
		}
		if w := f.last.Add(delay).Sub(now); w > wait {
			wait = w
		}
	}
	return wait
}

// Begin admits an attempt for keys, or returns how long the caller must
// wait. An admitted attempt counts as a failure at once, so that
// concurrent attempts cannot all pass the check before any has failed; call
// Succeed (and Forgive for the other keys) when it succeeds.
func (t *Throttle) Begin(now time.Time, keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if wait := t.wait(now, keys); wait > 0 {
		return wait
	}
	t.fail(now, keys)
	return 0
}

// Forgive takes back one failure counted for key by Begin.
func (t *Throttle) Forgive(key string) {
	t.mu.Lock()
	if f := t.keys[key]; f != nil && f.count > 0 {
		f.count--
	}
	t.mu.Unlock()
}

// Fail records a failed attempt for keys.
func (t *Throttle) Fail(now time.Time, keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fail(now, keys)
}

func (t *Throttle) fail(now time.Time, keys []string) {
	if len(t.keys) >= maxThrottleKeys {
		t.sweep(now)
	}
	for _, k := range keys {
		if t.keys[k] == nil && len(t.keys) >= maxThrottleKeys {
			// Full of live records (a spray from many addresses): keep
			// counting the keys already known rather than grow without end.
			continue
		}
		f := t.keys[k]
		if f == nil || now.Sub(f.last) > t.Window {
			f = &failures{}
			t.keys[k] = f
		}
		f.count++
		f.last = now
	}
}

// Succeed clears the record of key after a successful login.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	delete(t.keys, key)
	t.mu.Unlock()
}

// maxThrottleKeys bounds the memory the throttle can take.
const maxThrottleKeys = 100_000

// sweep forgets records older than the window, bounding memory under a
// spray of guesses.
func (t *Throttle) sweep(now time.Time) {
	for k, f := range t.keys {
		if now.Sub(f.last) > t.Window {
			delete(t.keys, k)
		}
	}
}
