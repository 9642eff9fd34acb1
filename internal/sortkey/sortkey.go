// Package sortkey spells times in sort keys so that the keys sort as the
// times do, to the nanosecond, next to keys written before in RFC 3339.
//
// Keys used to carry time.RFC3339Nano, which trims the fraction's trailing
// zeros: within one second "…:05Z" sorted after "…:05.5Z", and "…:05.12Z"
// before "…:05.1Z", so that two items of one second read back in an
// arbitrary order (by whatever followed the time). Time is fixed width:
// the second, "Z.", then nine digits of nanoseconds,
//
//	2026-11-02T10:00:05Z.500000000
//
// Against an older key whose time is followed by '#' (every such key in
// Baton), it sorts by the second first, and within its second after the
// older key (".…Z#" and "Z#" are below "Z."): items written before the
// change come first in their second, and no second is out of place.
package sortkey

import (
	"errors"
	"time"
)

// Len is the length of a Time.
const Len = len("2006-01-02T15:04:05Z.000000000")

const second = "2006-01-02T15:04:05"

// Time spells t (in UTC) for a sort key, fixed width.
func Time(t time.Time) string { return string(Append(make([]byte, 0, Len), t)) }

// Append appends Time(t) to b.
func Append(b []byte, t time.Time) []byte {
	t = t.UTC()
	b = t.AppendFormat(b, second)
	b = append(b, 'Z', '.')
	ns := t.Nanosecond()
	for d := 100000000; d > 0; d /= 10 {
		b = append(b, byte('0'+ns/d%10))
	}
	return b
}

// Second is the smallest key of any time in t's second, in either
// spelling (Time's or RFC 3339's): a bound from which a query reads every
// item of that second and after, to be filtered by the items' own times.
func Second(t time.Time) string { return t.UTC().Format(second) }

var errTime = errors.New("sortkey: not a time")

// Parse reads a time that begins a key: Time's spelling, or RFC 3339 (with
// or without a fraction) as keys were written before.
func Parse(s string) (time.Time, error) {
	if len(s) == Len && s[Len-11:Len-9] == "Z." {
		t, err := time.Parse(second, s[:Len-11])
		if err != nil {
			return time.Time{}, errTime
		}
		ns := 0
		for _, c := range s[Len-9:] {
			if c < '0' || c > '9' {
				return time.Time{}, errTime
			}
			ns = ns*10 + int(c-'0')
		}
		return t.Add(time.Duration(ns)).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errTime
	}
	return t, nil
}
