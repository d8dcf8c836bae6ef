package synth

import (
	"math/rand/v2"
	"time"

	"secunion"
	"secunion/identity"
	"secunion/names"
)

// MaxPersons is the largest number of persons Generate makes.
const MaxPersons = 100_000_000

// Options say what to generate. The same Options give the same records,
// byte for byte.
type Options struct {
	Persons int       // how many persons, 1 to MaxPersons
	Seed    uint64    // the seed of every random choice
	Now     time.Time // the reference date: births, passports and travel lie before it (or expire after it)
}

// Truth is the ground truth of one record: whose it is and how it departs
// from the person's true identity data.
type Truth struct {
	Person string   `json:"person"`          // the synthetic person, "P0000123"
	Noise  []string `json:"noise,omitempty"` // the kinds of noise applied (Noise* constants)
}

// Validate returns an Invalid error naming the first option out of range.
func (o Options) Validate() error {
	switch {
	case o.Persons < 1 || o.Persons > MaxPersons:
		return secunion.Errorf(secunion.Invalid, "synth: persons %d: give 1 to %d", o.Persons, MaxPersons)
	case o.Now.IsZero():
		return secunion.Errorf(secunion.Invalid, "synth: give a reference date (Options.Now)")
	case o.Now.UTC().Year() < names.MinYear+90 || o.Now.UTC().Year() > 2999:
		return secunion.Errorf(secunion.Invalid, "synth: reference date %s: give a year from %d to 2999", o.Now.UTC().Format(time.DateOnly), names.MinYear+90)
	}
	return nil
}

// Generate makes o.Persons synthetic persons and calls emit with each of
// their records and its truth, person by person, stopping at the first
// error emit returns. It holds one person at a time, so its memory does
// not grow with o.Persons.
//
// Each person appears in one to four systems, in one record per system,
// plus one record when the person has a second identity; records of
// persons of EU Member States are only in SIS, Europol data and the SLTD.
// Record IDs are unique per system. The record and its slices belong to
// the caller.
func Generate(o Options, emit func(identity.Record, Truth) error) error {
	if err := o.Validate(); err != nil {
		return err
	}
	g := newGen(o, loadPopulation(), newCalendar(o.Now))
	for i := range o.Persons {
		g.base(i)
		g.records()
		for _, pr := range g.recs {
			if err := emit(pr.rec, pr.truth); err != nil {
				return err
			}
		}
	}
	return nil
}

// gen generates persons and their records. Person i's draws come from a
// random stream of its own, so any person can be made again alone: the
// queries and the victims of document fraud are.
type gen struct {
	o      Options
	pop    *population
	cal    *calendar
	src    *rand.PCG
	r      *rand.Rand
	idKey  [numSystems]uint64
	bioKey [2]uint64
	count  [numSystems]uint64
	p      person
	recs   []pending
	aside  *gen // makes the victims of document fraud; made on first use
}

func newGen(o Options, pop *population, cal *calendar) *gen {
	g := &gen{o: o, pop: pop, cal: cal, src: rand.NewPCG(0, 0)}
	g.r = rand.New(g.src)
	for s := range g.idKey {
		g.idKey[s] = mix64(o.Seed ^ 0x1d5 ^ uint64(s)<<56)
	}
	g.bioKey = [2]uint64{mix64(o.Seed ^ 0xf1f9), mix64(o.Seed ^ 0xface)}
	return g
}

// seed starts person i's random stream.
func (g *gen) seed(i int) {
	g.src.Seed(mix64(g.o.Seed^0x9e3779b97f4a7c15), mix64(uint64(i)^0x2545f4914f6cdd1d))
}
