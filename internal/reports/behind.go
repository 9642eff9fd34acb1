package reports

// Behind lists the people one funnel count is made of: those whose first
// touch falls in group (grouped by f.By; "(all)": everyone) and who
// reached stage within f's dates, so that a number on the dashboard opens
// the people behind it.
func Behind(people []*Person, f Filter, group, stage string) []*Person {
	var out []*Person
	for _, p := range people {
		if !f.Covers(p) {
			continue
		}
		ft := first(p)
		if group != "(all)" && f.Key(ft) != group {
			continue
		}
		if t, ok := reached(p)[stage]; ok && f.in(t) {
			out = append(out, p)
		}
	}
	return out
}
