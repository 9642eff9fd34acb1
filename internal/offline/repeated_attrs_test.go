package offline

import (
	"context"
	"strings"
	"testing"
)

// TestRepeatedRowWritesNothing: a row whose touch is stored already
// (repeated: nothing new) overwrote its person's name and company while
// answering {"imported":0,"repeated":1,"updated":0}. It writes nothing; a
// row whose touch is new writes its columns, as before.
func TestRepeatedRowWritesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const head = "氏名,会社名,メールアドレス,イベント名,日付,チャネル\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(head+"渡辺 三郎,渡辺商事,info@example.co.jp,Japan IT Week 秋,2026-10-28,展示会\r\n"), Defaults{})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	res, err = f.im.Import(ctx, strings.NewReader(head+"伊藤 四郎,伊藤工業,info@example.co.jp,Japan IT Week 秋,2026-10-28,展示会\r\n"), Defaults{})
	if err != nil || res.Imported != 0 || res.Repeated != 1 || res.Updated != 0 || len(res.Errors) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if attrs, _, _ := touchesOf(t, f, "info@example.co.jp"); attrs["name"] != "渡辺 三郎" || attrs["company"] != "渡辺商事" {
		t.Errorf("a repeated row wrote %v", attrs)
	}
	// Another touch of theirs is new: its row's columns are written.
	res, err = f.im.Import(ctx, strings.NewReader(head+"伊藤 四郎,伊藤工業,info@example.co.jp,DXセミナー,2026-11-02,セミナー\r\n"), Defaults{})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if attrs, _, _ := touchesOf(t, f, "info@example.co.jp"); attrs["name"] != "伊藤 四郎" || attrs["company"] != "伊藤工業" {
		t.Errorf("a new touch's row wrote nothing: %v", attrs)
	}
}

// TestSameTouchOtherColumnsInOneFile: two rows of one file for the same
// address, event and date (two people under info@) were one touch, the
// later row's name replacing the former's while counted as a repeat. The
// first row's are the person's; the later one is not imported, and its
// error says why; a rejoin's row repeating the first's columns is still
// one touch, counted in repeated.
func TestSameTouchOtherColumnsInOneFile(t *testing.T) {
	f := newFixture(t)
	in := "氏名,会社名,メールアドレス,イベント名,日付,チャネル\r\n" +
		"渡辺 三郎,渡辺商事,info@example.co.jp,Japan IT Week 秋,2026-10-28,展示会\r\n" +
		"伊藤 四郎,渡辺商事,info@example.co.jp,Japan IT Week 秋,2026-10-28,展示会\r\n" +
		"渡辺 三郎,渡辺商事,info@example.co.jp,Japan IT Week 秋,2026-10-28,展示会\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{})
	if err != nil || res.Rows != 3 || res.Imported != 1 || res.Repeated != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 3 ||
		!strings.Contains(res.Errors[0].Reason, `same email, event and date as line 2`) || !strings.Contains(res.Errors[0].Reason, `氏名 "伊藤 四郎" (line 2: "渡辺 三郎")`) {
		t.Fatalf("%+v %v", res, err)
	}
	if attrs, _, evs := touchesOf(t, f, "info@example.co.jp"); attrs["name"] != "渡辺 三郎" || len(evs) != 1 {
		t.Errorf("%v %+v", attrs, evs)
	}
}

// TestUpdatedRowWritesItsColumns: a report that sets a stored touch's
// minutes (updated, not repeated) is a row that counts: its columns are
// written, as a new touch's are.
func TestUpdatedRowWritesItsColumns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	def := Defaults{Channel: "webinar", Event: "製造業DXウェビナー", Date: "2026-11-05"}
	res, err := f.im.Import(ctx, strings.NewReader("氏名,会社名,email\r\n山田 太郎,旧社名,taro@client.example\r\n"), def)
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	res, err = f.im.Import(ctx, strings.NewReader("氏名,会社名,email,セッション時間（分）\r\n山田 太郎,新社名,taro@client.example,45\r\n"), def)
	if err != nil || res.Imported != 0 || res.Updated != 1 || res.Repeated != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if attrs, _, _ := touchesOf(t, f, "taro@client.example"); attrs["company"] != "新社名" {
		t.Errorf("%v", attrs)
	}
}

// TestRejoinFillsAnEmptyColumn: a webinar report's rejoin row giving a
// column its first row left empty (国 blank on the first session) was
// refused as another person's row, and its session's minutes were lost.
// It is the same touch: counted in repeated, its column filled, a row
// giving another value still refused.
func TestRejoinFillsAnEmptyColumn(t *testing.T) {
	f := newFixture(t)
	in := "氏名,国,メールアドレス,イベント名,日付,チャネル\r\n" +
		"渡辺 三郎,,watanabe@example.co.jp,DXウェビナー,2026-10-28,ウェビナー\r\n" +
		"渡辺 三郎,日本,watanabe@example.co.jp,DXウェビナー,2026-10-28,ウェビナー\r\n" +
		"渡辺 三郎,,watanabe@example.co.jp,DXウェビナー,2026-10-28,ウェビナー\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{})
	if err != nil || res.Rows != 3 || res.Imported != 1 || res.Repeated != 2 || len(res.Errors) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if attrs, _, evs := touchesOf(t, f, "watanabe@example.co.jp"); attrs["country"] != "日本" || len(evs) != 1 {
		t.Errorf("%v %+v", attrs, evs)
	}
}
