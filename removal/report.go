package removal

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// ProviderReport is a provider's figures for a calendar year, as its
// transparency report gives them (Art 7(3)): orders by the year they were
// issued, complaints and referrals by the year they arrived.
type ProviderReport struct {
	Provider        string         `json:"provider"`
	Year            int            `json:"year"`
	Orders          int            `json:"orders"`         // removal orders received
	Executed        int            `json:"executed"`       // content removed or disabled
	ItemsRemoved    int            `json:"items_removed"`  // URLs of the executed orders
	WithinHour      int            `json:"within_hour"`    // executed by the deadline
	Breaches        int            `json:"breaches"`       // orders whose deadline passed unanswered
	MedianToRemoval float64        `json:"median_minutes"` // from receipt to removal, executed orders
	NotExecuted     map[string]int `json:"not_executed"`   // by reason: an Annex III obstacle, withdrawn, annulled
	Pending         int            `json:"pending"`        // still waiting for an answer
	Scrutiny        int            `json:"scrutiny"`       // scrutiny requested
	Infringements   int            `json:"infringements"`  // scrutiny found an infringement
	Complaints      int            `json:"complaints"`     // from content providers (Art 10)
	Upheld          int            `json:"complaints_upheld"`
	ComplaintsLate  int            `json:"complaints_late"` // decided after two weeks, or undecided past them
	Reinstated      int            `json:"reinstated"`
	Referrals       int            `json:"referrals"`
	ReferralRemoved int            `json:"referrals_removed"`
	ThreatReports   int            `json:"threat_reports"`
}

// AuthorityReport is a competent authority's figures for a calendar year
// (Art 8): the orders it issued and the cross-border ones it scrutinised.
type AuthorityReport struct {
	Authority       string  `json:"authority"`
	Year            int     `json:"year"`
	Issued          int     `json:"issued"`
	CrossBorder     int     `json:"cross_border"`
	Emergency       int     `json:"emergency"`
	Executed        int     `json:"executed"`
	NotExecuted     int     `json:"not_executed"` // cannot comply, withdrawn or annulled
	Pending         int     `json:"pending"`
	Breaches        int     `json:"breaches"`
	MedianToRemoval float64 `json:"median_minutes"`
	// Scrutinised and Infringements count the decisions it took as the
	// authority of a provider's Member State.
	Scrutinised   int `json:"scrutinised"`
	Infringements int `json:"infringements"`
}

// inYear reports whether t falls in calendar year y (UTC).
func inYear(t time.Time, y int) bool { return !t.IsZero() && t.UTC().Year() == y }

// ofYear returns the orders issued in calendar year y.
func ofYear(orders []Order, y int) []Order {
	var out []Order
	for _, o := range orders {
		if inYear(o.Issued, y) {
			out = append(out, o)
		}
	}
	return out
}

// ItemCount is how many items the order names, or named before its
// content reference was erased.
func (o *Order) ItemCount() int {
	if !o.Erased.IsZero() {
		return o.ErasedItems
	}
	return len(o.Items)
}

// tally adds up what became of a set of orders.
type tally struct {
	orders, executed, items, within, breaches, pending int
	median                                             float64 // minutes from receipt to removal, executed orders
	notExecuted                                        map[string]int
}

// outcomes adds up orders: executed, their items and median time to
// removal, within the hour, breaches, pending, and the rest by reason.
func outcomes(orders []Order) tally {
	t := tally{orders: len(orders), notExecuted: map[string]int{}}
	var minutes []float64
	for _, o := range orders {
		if !o.Breached.IsZero() {
			t.breaches++
		}
		switch {
		case o.State == Annulled:
			t.notExecuted["annulled"]++
		case !o.RemovedAt.IsZero():
			t.executed++
			t.items += o.ItemCount()
			if o.Late() == 0 {
				t.within++
			}
			if !o.Received.IsZero() {
				minutes = append(minutes, o.RemovedAt.Sub(o.Received).Minutes())
			}
		case o.State == Withdrawn:
			t.notExecuted["withdrawn"]++
		case o.State == CannotComply:
			t.notExecuted[string(o.Obstacle)]++
		default:
			t.pending++
		}
	}
	if len(minutes) > 0 {
		slices.Sort(minutes)
		t.median = minutes[len(minutes)/2]
		if len(minutes)%2 == 0 {
			t.median = (minutes[len(minutes)/2-1] + t.median) / 2
		}
	}
	return t
}

// sum adds up the orders not executed, whatever the reason.
func (t tally) sum() int {
	n := 0
	for _, v := range t.notExecuted {
		n += v
	}
	return n
}

// ProviderFigures computes provider's report for year from the orders
// addressed to it, its complaints and referrals, and its threat reports.
func ProviderFigures(provider string, year int, orders []Order, complaints []Complaint, referrals []Referral, threats []ThreatReport, now time.Time) ProviderReport {
	orders = ofYear(orders, year)
	t := outcomes(orders)
	r := ProviderReport{Provider: provider, Year: year, Orders: t.orders, Executed: t.executed, ItemsRemoved: t.items, WithinHour: t.within,
		Breaches: t.breaches, MedianToRemoval: t.median, NotExecuted: t.notExecuted, Pending: t.pending}
	for _, o := range orders {
		if !o.Scrutiny.Requested.IsZero() {
			r.Scrutiny++
		}
		if o.Scrutiny.Infringement {
			r.Infringements++
		}
		if !o.Reinstated.IsZero() {
			r.Reinstated++
		}
	}
	for _, c := range complaints {
		if inYear(c.Received, year) {
			r.Complaints++
			if c.Upheld {
				r.Upheld++
			}
			if c.Late(now) {
				r.ComplaintsLate++
			}
		}
	}
	for _, f := range referrals {
		if inYear(f.Sent, year) {
			r.Referrals++
			if f.Outcome == Taken {
				r.ReferralRemoved++
			}
		}
	}
	for _, t := range threats {
		if inYear(t.Reported, year) {
			r.ThreatReports++
		}
	}
	return r
}

// AuthorityFigures computes authority's report for year from the orders
// it issued and those it could scrutinise as the provider's Member State.
func AuthorityFigures(authority string, year int, issued, hosted []Order) AuthorityReport {
	issued = ofYear(issued, year)
	t := outcomes(issued)
	r := AuthorityReport{Authority: authority, Year: year, Issued: t.orders, Executed: t.executed, NotExecuted: t.sum(), Pending: t.pending,
		Breaches: t.breaches, MedianToRemoval: t.median}
	for _, o := range issued {
		if o.CrossBorder() {
			r.CrossBorder++
		}
		if o.Emergency {
			r.Emergency++
		}
	}
	for _, o := range hosted {
		if inYear(o.Scrutiny.Decided, year) && o.Scrutiny.DecidedBy == authority {
			r.Scrutinised++
			if o.Scrutiny.Infringement {
				r.Infringements++
			}
		}
	}
	return r
}

// ProviderOutcome is how one provider answered a set of orders, as the
// issuing authority's dashboard shows it.
type ProviderOutcome struct {
	Provider        string  `json:"provider"`
	Orders          int     `json:"orders"`
	Executed        int     `json:"executed"`    // content removed or disabled
	WithinHour      int     `json:"within_hour"` // executed by the deadline
	MedianToRemoval float64 `json:"median_minutes"`
	Breaches        int     `json:"breaches"`     // deadlines passed before an answer
	NotExecuted     int     `json:"not_executed"` // cannot comply, withdrawn or annulled
	Pending         int     `json:"pending"`      // still waiting for an answer
}

// ByProvider adds up orders per provider they were addressed to, in the
// order of the providers' codes.
func ByProvider(orders []Order) []ProviderOutcome {
	groups := map[string][]Order{}
	for _, o := range orders {
		groups[o.Provider] = append(groups[o.Provider], o)
	}
	out := make([]ProviderOutcome, 0, len(groups))
	for _, p := range slices.Sorted(maps.Keys(groups)) {
		t := outcomes(groups[p])
		out = append(out, ProviderOutcome{Provider: p, Orders: t.orders, Executed: t.executed, WithinHour: t.within, MedianToRemoval: t.median,
			Breaches: t.breaches, NotExecuted: t.sum(), Pending: t.pending})
	}
	return out
}

// Exposure is a decision of the competent authority of a provider's
// Member State on whether the provider is exposed to terrorist content
// (Art 5(4)), which obliges it to take specific measures and report on
// them.
type Exposure struct {
	Provider    string    `json:"provider"`
	DecidedBy   string    `json:"decided_by"`
	Decided     time.Time `json:"decided"`
	Exposed     bool      `json:"exposed"`
	FinalOrders int       `json:"final_orders"` // in the 12 months before the decision
	Reasons     string    `json:"reasons"`
}

// ExposureThreshold is the number of final removal orders in twelve
// months from which a provider may be designated exposed (Art 5(4)).
const ExposureThreshold = 2

// Final reports whether o counts as a final removal order at now: its
// content is removed (not annulled, not reinstated), and scrutiny can no
// longer end it (none requested in the 48 hours after receipt, or decided
// without an infringement).
func (o *Order) Final(now time.Time) bool {
	switch {
	case o.State != Removed:
		return false
	case !o.Scrutiny.Requested.IsZero():
		return !o.Scrutiny.Decided.IsZero() && !o.Scrutiny.Infringement
	case o.CrossBorder():
		return now.After(o.Received.Add(ScrutinyWindow))
	}
	return true
}

// FinalOrders counts the final orders among orders issued in the twelve
// months before now.
func FinalOrders(orders []Order, now time.Time) int {
	n := 0
	for _, o := range orders {
		if o.Issued.After(now.AddDate(-1, 0, 0)) && o.Final(now) {
			n++
		}
	}
	return n
}

// Rows flattens a ProviderReport or AuthorityReport into figure and value
// rows named as in its JSON, a map's entries by key: for CSV and the
// printable page.
func Rows(report any) [][2]string {
	v := reflect.ValueOf(report)
	t := v.Type()
	var rows [][2]string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		f := v.Field(i)
		if f.Kind() == reflect.Map {
			keys := f.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				rows = append(rows, [2]string{name + "." + k.String(), fmt.Sprint(f.MapIndex(k))})
			}
			continue
		}
		rows = append(rows, [2]string{name, fmt.Sprint(f.Interface())})
	}
	return rows
}
