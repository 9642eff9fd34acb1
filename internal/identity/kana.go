package identity

import (
	"strings"
	"unicode"
)

// A Japanese form asks the reading of the name (furigana: ヤマダ タロウ for
// 山田 太郎) beside it, in one box or two: フリガナ, お名前（フリガナ）,
// 姓（カナ）, セイ and メイ, sei_kana, last_name_kana, kana, furigana
// (Contact Form 7's your-kana, MW WP Form's フリガナ). Sales call leads
// and must read their names right, so the reading is an attribute of its
// own, last_name_kana, first_name_kana or name_kana (the whole reading),
// and never the name itself.

// readingMarks say a field holds a reading: the longer first, so that
// フリガナ goes whole. Latin ones are whole words (kana is not in
// kanazawa).
var readingMarks = []string{"フリガナ", "ふりがな", "ヨミガナ", "よみがな", "カナ", "かな", "furigana", "yomigana", "kana"}

// readingParts are the halves of a reading as forms label their boxes,
// in kana: セイ (姓) and メイ (名).
var readingParts = map[string]string{"セイ": "last_name", "せい": "last_name", "メイ": "first_name", "めい": "first_name"}

// reading returns the reading attribute s (a field's name or label, NFKC
// and lower-cased) names, and whether s names a reading at all: a reading
// of the name (お名前（フリガナ）, フリガナ), of its family or given half
// (姓（カナ）, フリガナ（姓）, セイ, sei_kana, last_name_kana), else ""
// with true for one of something else (会社名（カナ）), which no attribute
// holds. names is what the rest of s names (a name's attribute, as
// spacedAttribute or LabelAttribute reads it).
func reading(s string, names func(string) string) (string, bool) {
	if p, ok := readingParts[strings.Join(strings.Fields(marks.Replace(asides.ReplaceAllString(s, " "))), " ")]; ok {
		return p + "_kana", true
	}
	rest, marked := s, false
	for _, m := range readingMarks {
		var found bool
		if rest, found = cutMark(rest, m); found {
			marked = true
		}
	}
	part, kanaPart := "", false
	for _, a := range asides.FindAllString(rest, -1) {
		r := []rune(a)
		inner := strings.Join(strings.Fields(marks.Replace(string(r[1:len(r)-1]))), " ")
		p, ok := nameParts[inner]
		if kp, kana := readingParts[inner]; kana {
			p, ok, kanaPart = kp, true, true
		}
		if !ok {
			continue
		}
		if part != "" && part != p {
			return "", marked // both halves in one box (フリガナ（セイ・メイ）-like): neither
		}
		part = p
	}
	if !marked && !kanaPart {
		return "", false
	}
	core := strings.TrimFunc(strings.Join(strings.Fields(marks.Replace(asides.ReplaceAllString(rest, " "))), " "), func(r rune) bool {
		return r == ' ' || r == '_' || r == '-' || r == '・' || r == '/' || r == '.'
	})
	if MachineLike(core) && !strings.ContainsFunc(core, unicode.IsDigit) {
		core = "" // your-kana, your-furigana (Contact Form 7): the name's reading
	}
	name := "name"
	if core != "" {
		name = names(core)
	}
	if !marked && (name == "last_name" || name == "first_name") {
		return "", false // 名（めい）, 姓（セイ）: the box's word read aloud, not a reading's box
	}
	switch {
	case name == "name" && part != "":
		name = part
	case name == "name" || (name == "last_name" || name == "first_name") && (part == "" || part == name):
	default:
		return "", true // a reading, but not of the name: custom
	}
	return name + "_kana", true
}

// cutMark returns s with each occurrence of the reading mark m as a
// space, and whether there was one; a mark in Latin letters must be a
// whole word (kana_sei, sei-kana, name kana; not kanazawa).
func cutMark(s, m string) (string, bool) {
	if m[0] >= 0x80 {
		return strings.ReplaceAll(s, m, " "), strings.Contains(s, m)
	}
	found := false
	for {
		end := lastWord(s, m)
		if end < 0 {
			return s, found
		}
		s, found = s[:end-len(m)]+" "+s[end:], true
	}
}
