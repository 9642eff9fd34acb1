package calendar

import "time"

// JapanHoliday reports whether the date is a Japanese public holiday under
// the Act on National Holidays as amended to date (from 2016, Mountain
// Day's first year, on: the 2019 enthronement days, and Sports Day and
// Marine Day moved in 2020 and 2021 for the Olympics, are included), and
// its name. Equinox days use the standard approximation (valid 1980-2099),
// which matches the Cabinet Office's announcements for those years.
func JapanHoliday(y int, m time.Month, d int) (string, bool) {
	if name, ok := baseHoliday(y, m, d); ok {
		return name, true
	}
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	// Substitute holiday: a holiday on Sunday moves to the next day that is
	// not a holiday.
	if date.Weekday() != time.Sunday {
		for back := date.AddDate(0, 0, -1); ; back = back.AddDate(0, 0, -1) {
			if _, ok := baseHoliday(back.Year(), back.Month(), back.Day()); !ok {
				break
			}
			if back.Weekday() == time.Sunday {
				return "振替休日", true
			}
		}
	}
	// Citizens' holiday: a weekday between two holidays.
	if date.Weekday() != time.Sunday {
		prev, next := date.AddDate(0, 0, -1), date.AddDate(0, 0, 1)
		_, p := baseHoliday(prev.Year(), prev.Month(), prev.Day())
		_, n := baseHoliday(next.Year(), next.Month(), next.Day())
		if p && n {
			return "国民の休日", true
		}
	}
	return "", false
}

func baseHoliday(y int, m time.Month, d int) (string, bool) {
	nthMonday := func(n int) int {
		first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Weekday()
		off := (int(time.Monday) - int(first) + 7) % 7
		return 1 + off + 7*(n-1)
	}
	switch m {
	case time.January:
		if d == 1 {
			return "元日", true
		}
		if d == nthMonday(2) {
			return "成人の日", true
		}
	case time.February:
		if d == 11 {
			return "建国記念の日", true
		}
		if d == 23 && y >= 2020 {
			return "天皇誕生日", true
		}
	case time.December:
		if d == 23 && y >= 1989 && y <= 2018 {
			return "天皇誕生日", true
		}
	case time.March:
		if d == equinox(y, 20.8431) {
			return "春分の日", true
		}
	case time.April:
		if d == 29 {
			return "昭和の日", true
		}
	case time.May:
		switch d {
		case 3:
			return "憲法記念日", true
		case 4:
			return "みどりの日", true
		case 5:
			return "こどもの日", true
		case 1:
			if y == 2019 {
				return "天皇の即位の日", true // 4-30 and 5-2 between are citizens' holidays
			}
		}
	case time.July:
		switch {
		case y == 2020 && d == 23, y == 2021 && d == 22:
			return "海の日", true
		case y == 2020 && d == 24, y == 2021 && d == 23:
			return "スポーツの日", true
		case y != 2020 && y != 2021 && d == nthMonday(3):
			return "海の日", true
		}
	case time.August:
		switch {
		case y == 2020 && d == 10, y == 2021 && d == 8:
			return "山の日", true
		case y >= 2016 && y != 2020 && y != 2021 && d == 11:
			return "山の日", true
		}
	case time.September:
		if d == nthMonday(3) {
			return "敬老の日", true
		}
		if d == equinox(y, 23.2488) {
			return "秋分の日", true
		}
	case time.October:
		if y != 2020 && y != 2021 && d == nthMonday(2) {
			if y < 2020 {
				return "体育の日", true
			}
			return "スポーツの日", true
		}
		if y == 2019 && d == 22 {
			return "即位礼正殿の儀の行われる日", true
		}
	case time.November:
		if d == 3 {
			return "文化の日", true
		}
		if d == 23 {
			return "勤労感謝の日", true
		}
	}
	return "", false
}

// equinox is the day of the vernal (base 20.8431) or autumnal (23.2488)
// equinox in Japan's standard approximation.
func equinox(y int, base float64) int {
	n := y - 1980
	return int(base + 0.242194*float64(n) - float64(n/4))
}
