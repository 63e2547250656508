package pipeline

import (
	"context"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
)

// Wire paragraphs in several scripts; each test copies one with two small
// edits (as syndication does) and sets it beside an unrelated text in the
// same language.
var languages = []struct {
	name, wire, edits, other string
}{
	{
		name: "arabic",
		wire: "قال المبعوث الأممي إلى سوريا ستافان دي ميستورا يوم الاثنين إن الجولة المقبلة من المفاوضات في جنيف ستكون بالغة الأهمية. " +
			"وأضاف أن المحادثات ستركز على الانتقال السياسي والحكم والمبادئ الدستورية، بعد لقائه وزير الخارجية وليد المعلم في دمشق. " +
			"وحذر المبعوث من أن تصاعد العنف في حلب خلال الأيام الماضية قد يهدد اتفاق وقف الأعمال القتالية الذي بدأ في السابع والعشرين من فبراير. " +
			"وقالت منظمات إنسانية إن أكثر من مئتين وخمسين مدنيا قتلوا في الغارات الجوية خلال عشرة أيام.",
		edits: "يوم الاثنين=الاثنين|بالغة الأهمية=مهمة جدا",
		other: "افتتحت بلدية المدينة يوم الخميس حديقة عامة جديدة على ضفاف النهر تضم ممرات للدراجات وملاعب للأطفال ومقاهي صغيرة. " +
			"وقال رئيس البلدية إن المشروع استغرق ثلاث سنوات وكلف أكثر من عشرة ملايين دولار، وإنه سيخدم سكان الأحياء الشرقية. " +
			"ورحب السكان بالمشروع لكنهم طالبوا بتوفير مواقف للسيارات قرب المدخل الرئيسي.",
	},
	{
		name: "russian",
		wire: "Госсекретарь США Джон Керри в понедельник призвал восстановить режим прекращения огня в Сирии, особенно в Алеппо, где в последние дни резко обострилось насилие. " +
			"Керри сделал это заявление после встречи со специальным посланником ООН Стаффаном де Мистурой в Женеве на совместной пресс-конференции. " +
			"По его словам, Россия и США договорились направить в Женеву дополнительный персонал, который поможет контролировать соблюдение перемирия. " +
			"По данным ООН, с начала конфликта в 2011 году погибли более 250 тысяч человек.",
		edits: "в понедельник=в понедельник вечером|резко обострилось=обострилось",
		other: "Футбольный клуб из Казани подписал контракт с молодым нападающим из Бразилии, сообщила пресс-служба команды в четверг. " +
			"Игрок провел прошлый сезон в аренде в Португалии и забил там двенадцать мячей в чемпионате. " +
			"Сумма сделки не раскрывается, но, по данным местных СМИ, она превышает пять миллионов евро.",
	},
	{
		name: "chinese",
		wire: "美国国务卿克里星期一呼吁恢复叙利亚的停火协议，特别是在阿勒颇，那里的暴力冲突最近几天急剧升级。" +
			"克里在日内瓦与联合国叙利亚问题特使德米斯图拉会面后在联合记者会上发表了上述讲话。" +
			"克里说，停火协议在过去几周受到考验，在一些地区已经破裂。双方表示将致力于恢复停火，特别是在阿勒颇。" +
			"据联合国统计，自二零一一年冲突爆发以来，已有超过二十五万人死亡。",
		edits: "星期一=周一|急剧升级=升级",
		other: "市政府星期四宣布，将在河边修建一个新的公园，园内设有自行车道、儿童游乐场和小咖啡馆。" +
			"市长说，这个项目将耗时三年，花费超过一千万元，主要服务东部街区的居民。居民们对此表示欢迎，但希望在入口附近增加停车位。",
	},
	{
		name: "turkish",
		wire: "ABD Dışişleri Bakanı John Kerry pazartesi günü Suriye'de özellikle son günlerde şiddetin tırmandığı Halep'te ateşkesin yeniden sağlanması çağrısında bulundu. " +
			"Kerry, açıklamayı Cenevre'de BM Suriye Özel Temsilcisi Staffan de Mistura ile görüştükten sonra ortak basın toplantısında yaptı. " +
			"Kerry, Rusya ve ABD'nin ateşkesin uygulanmasına yardımcı olmak üzere Cenevre'de çalışacak ek personel konusunda anlaştığını söyledi. " +
			"BM verilerine göre 2011'den bu yana 250 binden fazla kişi hayatını kaybetti.",
		edits: "pazartesi günü=pazartesi|ek personel=ilave personel",
		other: "İstanbul Büyükşehir Belediyesi perşembe günü boğaz kıyısında bisiklet yolları ve çocuk parkları içeren yeni bir park açtı. " +
			"Belediye başkanı projenin üç yıl sürdüğünü ve on milyon liradan fazlaya mal olduğunu söyledi. Vatandaşlar projeyi memnuniyetle karşıladı.",
	},
	{
		name: "urdu",
		wire: "امریکی وزیر خارجہ جان کیری نے پیر کے روز شام میں جنگ بندی کی بحالی کا مطالبہ کیا، خاص طور پر حلب میں جہاں حالیہ دنوں میں تشدد میں اضافہ ہوا ہے۔ " +
			"کیری نے یہ بات جنیوا میں اقوام متحدہ کے خصوصی ایلچی سٹافن ڈی مستورا سے ملاقات کے بعد مشترکہ پریس کانفرنس میں کہی۔ " +
			"انہوں نے کہا کہ روس اور امریکہ نے جنگ بندی پر عمل درآمد میں مدد کے لیے اضافی عملہ جنیوا بھیجنے پر اتفاق کیا ہے۔ " +
			"اقوام متحدہ کے مطابق دو ہزار گیارہ سے اب تک ڈھائی لاکھ سے زیادہ افراد ہلاک ہو چکے ہیں۔",
		edits: "پیر کے روز=پیر کو|اضافی عملہ=مزید عملہ",
		other: "کراچی میں جمعرات کو ایک نئے پارک کا افتتاح کیا گیا جس میں سائیکل کے راستے اور بچوں کے کھیل کے میدان شامل ہیں۔ " +
			"میئر نے کہا کہ اس منصوبے پر تین سال کام ہوا اور اس پر ایک ارب روپے سے زیادہ لاگت آئی۔ شہریوں نے منصوبے کا خیرمقدم کیا۔",
	},
}

func TestCopyFoundInEveryScript(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang.name, func(t *testing.T) {
			edited := lang.wire
			for _, e := range strings.Split(lang.edits, "|") {
				from, to, _ := strings.Cut(e, "=")
				if !strings.Contains(edited, from) {
					t.Fatalf("edit %q not in the text", from)
				}
				edited = strings.Replace(edited, from, to, 1)
			}
			arts := []article.Article{
				{ID: "wire", Body: lang.wire},
				{ID: "copy", Body: edited},
				{ID: "other", Body: lang.other},
			}
			res, err := Run(context.Background(), arts, Options{Story: true})
			if err != nil {
				t.Fatal(err)
			}
			rel := map[[2]int]cluster.Relation{}
			for _, p := range res.Pairs {
				rel[[2]int{p.I, p.J}] = p.Relation
			}
			if got := rel[[2]int{0, 1}]; got != cluster.Duplicate {
				t.Errorf("edited copy: %v, want duplicate", got)
			}
			for _, k := range [][2]int{{0, 2}, {1, 2}} {
				if got := rel[k]; got > cluster.Story {
					t.Errorf("unrelated text %v: %v", k, got)
				}
			}
		})
	}
}
