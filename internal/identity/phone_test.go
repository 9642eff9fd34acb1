package identity

import "testing"

// TestPhoneValue: the dashes Japanese input methods type become ASCII
// ones in a number; what is no number stays as typed.
func TestPhoneValue(t *testing.T) {
	for in, want := range map[string]string{
		"03ー1234ー5678":             "03-1234-5678",
		"03‐1234‐5678":             "03-1234-5678",
		"03−1234−5678":             "03-1234-5678",
		"03‒1234‒5678":             "03-1234-5678",
		"03﹣1234﹣5678":             "03-1234-5678",
		"03─1234─5678":             "03-1234-5678",
		"+81 (3) 1234―5678":        "+81 (3) 1234-5678",
		"03-1234-5678":             "03-1234-5678",
		"内線ー12":                    "内線ー12",
		"ーー":                       "ーー",
		"090ー1234ー5678 (携帯)":       "090-1234-5678 (携帯)",
		"03-1234-5678\u200b":       "03-1234-5678", // a zero-width space pasted with it
		"\ufeff03-1234ー5678\u00ad": "03-1234-5678",
	} {
		if got := phoneValue(in); got != want {
			t.Errorf("phoneValue(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPhoneWithExtension: a number typed with its extension or a note
// beside it, as Japanese forms get it (０３ー１２３４ー５６７８　内線１２３),
// reaches the person's phone (which every connector and export reads) in
// half-width digits with ASCII dashes, its grouping and words as typed.
// Before, the words made the whole value "as typed": its long-vowel marks
// stayed (03ー1234ー5678 内線123) and went so to the SFA's Phone.
func TestPhoneWithExtension(t *testing.T) {
	for in, want := range map[string]string{
		"０３ー１２３４ー５６７８　内線１２３":    "03-1234-5678 内線123",
		"03‐1234‐5678（内線 45）":   "03-1234-5678(内線 45)",
		"TEL：０６−６６６６−００００":      "TEL:06-6666-0000",
		"(03)ー1234ー5678 ext.12": "(03)-1234-5678 ext.12",
		"０９０―１２３４―５６７８（携帯）":     "090-1234-5678(携帯)",
		"03ｰ1234ｰ5678 代表":       "03-1234-5678 代表",
		"コールセンター 0120ー123ー456":  "コールセンター 0120-123-456",
		"内線ー12のみ":               "内線ー12のみ",
		"03 ー 1234 ー 5678 内線":   "03 ー 1234 ー 5678 内線", // not between digits: as typed
	} {
		known, _ := SplitAttributes(map[string]string{"電話番号": in}, nil)
		if got := known["phone"]; got != want {
			t.Errorf("%q is stored as %q, want %q", in, got, want)
		}
		if got := phoneValue(known["phone"]); got != known["phone"] {
			t.Errorf("%q reads again as %q", known["phone"], got)
		}
	}
}

// TestPhoneBoxes: a number asked in three boxes reaches the person's phone
// joined by dashes, in the boxes' order, from the names form builders give
// them; boxes that make no number stay custom, as sent.
func TestPhoneBoxes(t *testing.T) {
	for _, c := range []struct {
		fields     map[string]string
		phone      string
		customLeft int
	}{
		{map[string]string{"tel1": "03", "tel2": "1234", "tel3": "5678"}, "03-1234-5678", 0},
		{map[string]string{"tel_3": "5678", "tel_1": "03", "tel_2": "1234"}, "03-1234-5678", 0},
		{map[string]string{"電話番号1": "０３", "電話番号2": "１２３４", "電話番号3": "５６７８"}, "03-1234-5678", 0},
		{map[string]string{"tel[data][0]": "03", "tel[data][1]": "1234", "tel[data][2]": "5678", "tel[separator]": "-"}, "03-1234-5678", 1},
		{map[string]string{"phone[0]": "06", "phone[1]": "6666", "phone[2]": "0000"}, "06-6666-0000", 0},
		{map[string]string{"form_fields[tel1]": "03", "form_fields[tel2]": "1234", "form_fields[tel3]": "5678"}, "03-1234-5678", 0},
		// A phone given whole wins; the boxes stay as sent.
		{map[string]string{"phone": "03ー9999ー0000", "tel1": "03", "tel2": "1234"}, "03-9999-0000", 2},
		// A gap, a box that is no number, one box alone: not joined.
		{map[string]string{"tel1": "03", "tel3": "5678"}, "", 2},
		{map[string]string{"tel1": "03", "tel2": "12a4", "tel3": "5678"}, "", 3},
		{map[string]string{"tel1": "0312345678"}, "", 1},
		// Two numbers, each whole (an office's and a mobile's): not one.
		{map[string]string{"tel1": "0312345678", "tel2": "09012345678"}, "", 2},
		{map[string]string{"phone1": "0312345678", "phone2": "0312345679", "phone3": "0312345670"}, "", 3},
		// Not a phone's boxes.
		{map[string]string{"zip1": "100", "zip2": "0001"}, "", 2},
	} {
		known, custom := SplitAttributes(c.fields, nil)
		if known["phone"] != c.phone || len(custom) != c.customLeft {
			t.Errorf("%v: phone %q custom %v, want %q and %d custom", c.fields, known["phone"], custom, c.phone, c.customLeft)
		}
	}
}

// TestPhoneBoxesOfOneName: a number asked in boxes sharing one name
// (<input name="tel[]"> three times), which the tag sends comma-joined in
// the form's order, is the person's phone joined by dashes. Before, it was
// a custom field "tel[]" of 03,1234,5678: the SFA got no phone.
func TestPhoneBoxesOfOneName(t *testing.T) {
	for _, c := range []struct {
		fields map[string]string
		phone  string
		custom int
	}{
		{map[string]string{"tel[]": "03,1234,5678"}, "03-1234-5678", 0},
		{map[string]string{"電話番号[]": "０３,１２３４,５６７８"}, "03-1234-5678", 0},
		{map[string]string{"contact[phone][]": "06, 6666, 0000"}, "06-6666-0000", 0},
		{map[string]string{"keitai[]": "090,1234,5678"}, "090-1234-5678", 0},
		// Two whole numbers (more than 15 digits), or a part that is no
		// digits: not one number's boxes, as sent.
		{map[string]string{"tel[]": "0312345678,09012345678"}, "0312345678,09012345678", 0},
		{map[string]string{"tel[]": "03,,5678"}, "03,,5678", 0},
		// Not a phone: a checkbox group stays custom.
		{map[string]string{"interests[]": "CRM,SFA"}, "", 1},
		{map[string]string{"industry[]": "IT,製造"}, "", 1},
	} {
		known, custom := SplitAttributes(c.fields, nil)
		if known["phone"] != c.phone || len(custom) != c.custom {
			t.Errorf("%q: phone %q, custom %q; want phone %q and %d custom", c.fields, known["phone"], custom, c.phone, c.custom)
		}
	}
}

// FuzzSplitPhone: whatever boxes a form sends, splitting never panics nor
// makes up fields (joined boxes are one field), and a phone is written the
// same when read again.
func FuzzSplitPhone(f *testing.F) {
	f.Add("tel1", "03", "tel2", "1234", "tel3", "5678")
	f.Add("tel[data][0]", "03", "tel[data][1]", "1234", "phone", "03ー1")
	f.Add("]", "1", "[0]", "2", "電話番号1", "０")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string) {
		fields := map[string]string{k1: v1, k2: v2, k3: v3}
		known, custom := SplitAttributes(fields, nil)
		if len(known)+len(custom) > len(fields) {
			t.Fatalf("%v made %v and %v", fields, known, custom)
		}
		if p := known["phone"]; phoneValue(p) != p {
			t.Fatalf("phone %q reads again as %q", p, phoneValue(p))
		}
	})
}

// TestJapaneseFormNames: the names Japanese forms give their fields, in
// romaji (both romanisations) or as their labels, are the attributes
// scoring and the SFA read (they were custom fields: a 社名 was no company,
// so fit rules on company and 名寄せ never saw it).
func TestJapaneseFormNames(t *testing.T) {
	for name, want := range map[string]string{
		"sei": "last_name", "mei": "first_name", "shimei": "name", "onamae": "name",
		"kaisya": "company", "kaisyamei": "company", "社名": "company", "法人名": "company", "団体名": "company",
		"yakusyoku": "title", "busyo": "department", "denwa": "phone", "keitai": "mobile", "携帯電話": "mobile",
		"pref": "region", "todofuken": "region", "jugyoin": "employees", "gyoshu": "industry", "yosan": "budget",
		"naiyou": "message", "ホームページ": "website",
	} {
		known, custom := SplitAttributes(map[string]string{name: "値"}, nil)
		if known[want] != "値" || len(custom) != 0 {
			t.Errorf("%s: known %v custom %v, want %s", name, known, custom, want)
		}
	}
}

// TestTwoFieldsNameOneAttribute: a form asking an office's number and a
// mobile's (tel and keitai) gives the phone the office's and the mobile
// its own attribute (TestMobileBesideTheOffice). Two other fields naming
// one attribute give it the first by name, the other custom. Map order
// once chose, and the other value was lost.
func TestTwoFieldsNameOneAttribute(t *testing.T) {
	for _, c := range []struct {
		fields    map[string]string
		attr, val string
		custom    string
	}{
		{map[string]string{"tel": "03-1234-5678", "keitai": "090-1234-5678"}, "phone", "03-1234-5678", ""},
		{map[string]string{"keitai": "090-1234-5678", "携帯電話": "080-1111-2222"}, "mobile", "090-1234-5678", "携帯電話"},
		{map[string]string{"company": "アクメ", "kaisya": "アクメ商事"}, "company", "アクメ", "kaisya"},
	} {
		for range 20 { // map order varies from run to run
			known, custom := SplitAttributes(c.fields, nil)
			if known[c.attr] != c.val || len(known)+len(custom) != len(c.fields) && c.custom == "" || c.custom != "" && custom[c.custom] != c.fields[c.custom] {
				t.Errorf("%v: known %v custom %v, want %s %q and %s kept custom", c.fields, known, custom, c.attr, c.val, c.custom)
				break
			}
		}
	}
}

// TestOtherNumbersWrittenAsThePhone: a second field naming a phone (or a
// second mobile's) stays custom, and the SFA's summary
// gives it to sales (push's form values): it is written as the phone is,
// half-width with ASCII dashes. It kept the long-vowel marks typed in it
// (090ー1234ー5678) while the office's number beside it had dashes.
func TestOtherNumbersWrittenAsThePhone(t *testing.T) {
	for _, c := range []struct {
		fields map[string]string
		key    string
		want   string
	}{
		{map[string]string{"phone": "03-1234-5678", "tel": "06ー6666ー0000"}, "tel", "06-6666-0000"},
		{map[string]string{"tel": "03-1234-5678", "keitai": "090-1234-5678", "携帯電話": "０８０ー１１１１ー２２２２"}, "携帯電話", "080-1111-2222"},
	} {
		known, custom := SplitAttributes(c.fields, nil)
		if custom[c.key] != c.want || known["phone"] == "" {
			t.Errorf("%q: phone %q, custom %q; want %s %q", c.fields, known["phone"], custom, c.key, c.want)
		}
	}
}

// TestMobileBesideTheOffice: a mobile's number (keitai, 携帯電話,
// mobilephone, Mobile, 携帯番号; its boxes, keitai1-3, keitai[]; a field
// labelled 携帯電話) is the mobile attribute, which Salesforce's
// MobilePhone and HubSpot's mobilephone take, written as the phone is,
// whether or not the form asks an office's number too; the phone is the
// office's, or the mobile's when the form asks no other. Before, a mobile
// beside an office's number was a custom field the SFA never got, and
// keitai1-3 beside tel1-3 were taken for the phone (keitai sorts first).
func TestMobileBesideTheOffice(t *testing.T) {
	for _, c := range []struct {
		fields, labels map[string]string
		phone, mobile  string
	}{
		{map[string]string{"tel": "03-1234-5678", "keitai": "０９０ー１２３４ー５６７８"}, nil, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"電話番号": "03ー1234ー5678", "携帯電話": "090―1234―5678"}, nil, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"電話番号": "03ー1234ー5678", "携帯電話": "090ー1234ー5678（夜間）"}, nil, "03-1234-5678", "090-1234-5678(夜間)"},
		{map[string]string{"phone": "03-1234-5678", "mobilephone": "090-1234-5678"}, nil, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"Phone": "03-1234-5678", "Mobile": "090-1234-5678"}, nil, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"Phone Number": "03-1234-5678", "Mobile Phone": "090-1234-5678"}, nil, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"tel1": "03", "tel2": "1234", "tel3": "5678", "携帯番号": "090-1234-5678"}, nil, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"tel1": "03", "tel2": "1234", "tel3": "5678", "keitai1": "090", "keitai2": "1234", "keitai3": "5678"}, nil, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"tel": "03-1234-5678", "keitai[]": "090,1234,5678"}, nil, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"text-3": "03-1234-5678", "text-4": "090ー1234ー5678"}, map[string]string{"text-3": "電話番号", "text-4": "携帯電話番号（任意）"}, "03-1234-5678", "090-1234-5678"},
		{map[string]string{"your-tel": "03-1234-5678", "text-4": "090-1234-5678"}, map[string]string{"text-4": "Mobile number"}, "03-1234-5678", "090-1234-5678"},
		// The mobile's alone: the phone too, as before.
		{map[string]string{"keitai": "090ー1234ー5678"}, nil, "090-1234-5678", "090-1234-5678"},
		{map[string]string{"携帯電話1": "090", "携帯電話2": "1234", "携帯電話3": "5678"}, nil, "090-1234-5678", "090-1234-5678"},
		{map[string]string{"text-4": "080-1111-2222"}, map[string]string{"text-4": "携帯電話"}, "080-1111-2222", "080-1111-2222"},
	} {
		for range 20 { // map order varies from run to run
			known, custom := SplitLabelled(c.fields, c.labels, nil)
			if known["phone"] != c.phone || known["mobile"] != c.mobile || len(custom) != 0 {
				t.Errorf("%q: phone %q mobile %q custom %q, want %q and %q", c.fields, known["phone"], known["mobile"], custom, c.phone, c.mobile)
				break
			}
		}
	}
	// A mobile's on one line, as the phone is.
	if known, _ := SplitAttributes(map[string]string{"tel": "03-1234-5678", "keitai": "090-1234-5678\r\n（夜間）"}, nil); known["mobile"] != "090-1234-5678 (夜間)" {
		t.Errorf("mobile on two lines: %q", known["mobile"])
	}
}

// TestCardAppPhoneColumns: a business-card app's export names the card's
// numbers by line (Eight's TEL会社, TEL部門, TEL直通; 会社電話番号,
// 電話番号（代表） in other lists). None was the phone: the person had no
// phone for sales (only a custom attribute the SFA is not sent), or the
// mobile's, as the only number named one, though the card has the office's.
func TestCardAppPhoneColumns(t *testing.T) {
	for _, c := range []struct {
		fields map[string]string
		phone  string
	}{
		{map[string]string{"TEL会社": "03-1234-5678"}, "03-1234-5678"},
		{map[string]string{"TEL会社": "03-1234-5678", "携帯電話": "090-1234-5678"}, "03-1234-5678"},
		{map[string]string{"TEL直通": "03-1234-5679", "携帯電話": "090-1234-5678"}, "03-1234-5679"},
		{map[string]string{"TEL部門": "03-1234-5670"}, "03-1234-5670"},
		{map[string]string{"会社電話番号": "06-1234-5678"}, "06-1234-5678"},
		{map[string]string{"電話番号（代表）": "０３－１２３４－５６７８"}, "03-1234-5678"},
	} {
		for range 20 { // map order varies from run to run
			known, custom := SplitAttributes(c.fields, nil)
			if known["phone"] != c.phone {
				t.Errorf("%v: phone %q (custom %v), want %q", c.fields, known["phone"], custom, c.phone)
				break
			}
		}
	}
}

// TestValuesKeepWhatNFKCWouldChange: a value's full-width letters and
// digits and half-width katakana are folded (ＣＥＯ, ３００名, ﾔﾏﾀﾞ), and
// nothing else of what the person wrote changes: NFKC made an inquiry's
// ①価格 ②納期 "1価格 2納期" and a company's ㈱ "(株)" for sales. The
// inquiry (message) is kept wholly as typed, its full-width ３ and （） too:
// sales read it, nothing matches or scores it.
func TestValuesKeepWhatNFKCWouldChange(t *testing.T) {
	known, custom := SplitAttributes(map[string]string{
		"message": "①価格 ②納期　（３月末まで）", "company": "㈱サンプル", "title": "ＣＥＯ", "employees": "３００名",
		"last_name": "ﾔﾏﾀﾞ", "導入時期メモ": "１０月〜™",
	}, nil)
	for attr, want := range map[string]string{"message": "①価格 ②納期　（３月末まで）", "company": "㈱サンプル", "title": "CEO", "employees": "300名", "last_name": "ヤマダ"} {
		if known[attr] != want {
			t.Errorf("%s: %q, want %q", attr, known[attr], want)
		}
	}
	if custom["導入時期メモ"] != "10月〜™" {
		t.Errorf("custom 導入時期メモ: %q (%v)", custom["導入時期メモ"], custom)
	}
}
