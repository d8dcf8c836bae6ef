package alerts

import (
	"math"
	"strconv"
	"time"
)

// DecayModel is how an indicator loses its worth with time, MISP's
// polynomial model: the score falls from the base score to zero over
// Lifetime as 1 − (t/Lifetime)^(1/Speed), t counted from the indicator's
// last sign of life (valid_from, its last modification, the last
// sighting of it); below Threshold it is expired, no longer worth
// blocking on. A speed above 1 loses most of the score early, as
// addresses do when infrastructure moves.
type DecayModel struct {
	Lifetime  time.Duration `json:"lifetime"`
	Speed     float64       `json:"speed"`
	Threshold float64       `json:"threshold"`
}

// day is a day of indicator life.
const day = 24 * time.Hour

// DecayFor returns the model of indicators on values of kind: addresses
// go stale in a month, URLs in two, names and accounts in half a year,
// hashes and hardware addresses in a year; an indicator on no value the
// hub knows gets three months.
func DecayFor(kind string) DecayModel {
	m := DecayModel{Lifetime: 90 * day, Speed: 1, Threshold: 30}
	switch kind {
	case KindIPv4, KindIPv6:
		m.Lifetime, m.Speed = 30*day, 2
	case KindURL:
		m.Lifetime = 60 * day
	case KindDomain, KindEmail, KindAccount, KindHashtag:
		m.Lifetime = 180 * day
	case "":
	default: // hashes, MAC addresses
		m.Lifetime = 365 * day
	}
	return m
}

// Decay is an indicator's score at a time.
type Decay struct {
	Score float64 `json:"score"`
	// Base is the score it started from: its confidence, 50 when it
	// states none.
	Base    float64    `json:"base_score"`
	Since   time.Time  `json:"since"`
	Expires time.Time  `json:"expires"`
	Expired bool       `json:"expired"`
	Reason  string     `json:"reason,omitempty"`
	Model   DecayModel `json:"model"`
}

// IndicatorDecay returns the score of indicator o at now, counting its
// life from the latest of valid_from, modified and lastSeen (the last
// sighting of it, zero if none). A revoked indicator, or one past its
// valid_until, scores zero. It reports false for other objects.
func IndicatorDecay(o Object, lastSeen, now time.Time) (Decay, bool) {
	if o.Type != "indicator" {
		return Decay{}, false
	}
	kind := ""
	if vs := Values(o); len(vs) > 0 {
		kind = vs[0].Kind
	}
	d := Decay{Base: 50, Model: DecayFor(kind)}
	if c, ok := o.Props["confidence"].(interface{ String() string }); ok {
		if f, err := strconv.ParseFloat(c.String(), 64); err == nil && f >= 0 && f <= 100 {
			d.Base = f
		}
	}
	d.Since = latest(o.Modified, lastSeen)
	if s, ok := o.Props["valid_from"].(string); ok {
		if t, err := ParseTime(s); err == nil {
			d.Since = latest(d.Since, t)
		}
	}
	m := d.Model
	// The score reaches the threshold at Lifetime × (1 − threshold/base)^speed.
	if d.Base > m.Threshold {
		d.Expires = d.Since.Add(time.Duration(float64(m.Lifetime) * math.Pow(1-m.Threshold/d.Base, m.Speed)))
	} else {
		d.Expires = d.Since
	}
	if s, ok := o.Props["valid_until"].(string); ok {
		if t, err := ParseTime(s); err == nil && t.Before(d.Expires) {
			d.Expires = t
			if !now.Before(t) {
				d.Reason = "past its valid_until"
			}
		}
	}
	if o.Revoked {
		d.Reason = "revoked"
	}
	if t := now.Sub(d.Since); d.Reason == "" && t < m.Lifetime {
		d.Score = d.Base * (1 - math.Pow(max(t, 0).Hours()/m.Lifetime.Hours(), 1/m.Speed))
	}
	d.Score = math.Round(d.Score*10) / 10
	d.Expired = d.Score < m.Threshold
	return d, true
}

// latest returns the later of two times.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
