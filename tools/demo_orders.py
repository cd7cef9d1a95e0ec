#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a demo order file for `destek orders import` (CONTRACT.md format).

Realistic Turkish shop data, fully reproducible: the same --seed and --now
give byte-identical output. Besides the random orders it always includes the
fixed demo orders the README talks about (listed with --list, and printed to
stderr on every run). E-mail addresses use the reserved example.* domains so
nothing can ever reach a real person.

The file also carries the import extensions of docs/STORE.md: "stock" for
every size variant of the sized catalogue products, in several colours for
some of them (some sold out, so an exchange can fail for want of stock), and
"returns" in every state, for the
fixed return demo orders and a few random delivered or returned ones, and
"products": what the shop says of every catalogue product (material, care,
fit, compatibility, ingredients, origin, manual), for the product questions.

    tools/demo_orders.py > demo.json                 # 300 orders
    tools/demo_orders.py --count 100000 > big.json   # import benchmark
    build/destek orders import demo.json

Python 3 standard library only.
"""

import argparse
import json
import random
import sys
from datetime import datetime, timedelta

DEFAULT_NOW = "2026-11-25T12:00:00+03:00"
DEFAULT_SEED = 20261125

FEMALE = ["Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Hatice", "Merve", "Büşra", "Şeyma",
          "Gülşen", "Özlem", "Derya", "Esra", "Tuğba", "Çiğdem", "İrem", "Sıla", "Ebru",
          "Gökçe", "Nurşen", "Dilek", "Pınar", "Selin", "Yağmur", "Müge", "Şule", "Gizem"]
MALE = ["Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Emre", "Burak",
        "Oğuz", "Çağrı", "Uğur", "Barış", "Gökhan", "Serkan", "Tolga", "Onur", "Murat",
        "Şahin", "Doğan", "Ömer", "Yusuf", "Kerem", "Arda", "Eren", "Berk", "Can"]
LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
        "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt",
        "Özkan", "Şimşek", "Polat", "Erdoğan", "Güneş", "Aktaş", "Bulut", "Keskin", "Ünal",
        "Güler", "Işık", "Tekin", "Çakır", "Sarı", "Uçar", "Gündoğdu", "Bozkurt", "Karagöz"]
MAIL_DOMAINS = ["example.com", "example.net", "example.org", "posta.example.com"]
OPERATOR_PREFIXES = ["530", "531", "532", "533", "535", "536", "537", "538", "539", "541",
                     "542", "543", "544", "545", "546", "549", "551", "552", "553", "555"]

# (sku prefix, name, category, price in kuruş). Categories the shop does not
# take back (hijyen, iç giyim, kozmetik, kişiye özel, gıda) are all present.
CATALOGUE = [
    ("TS-102", "Pamuklu Tişört", "giyim", 19990),
    ("GM-220", "Oversize Gömlek", "giyim", 44990),
    ("KP-310", "Yüksek Bel Kot Pantolon", "giyim", 54990),
    ("SW-415", "Kapüşonlu Sweatshirt", "giyim", 59990),
    ("ELB-118", "Çiçekli Midi Elbise", "giyim", 74990),
    ("MNT-501", "Kaşe Kaban", "giyim", 219990),
    ("AYK-601", "Deri Sneaker", "ayakkabı", 129990),
    ("AYK-640", "Kadın Topuklu Ayakkabı", "ayakkabı", 99990),
    ("AYK-677", "Erkek Klasik Ayakkabı", "ayakkabı", 149990),
    ("BOT-702", "Su Geçirmez Bot", "ayakkabı", 189990),
    ("KZM-010", "Nemlendirici Yüz Kremi", "kozmetik", 34990),
    ("KZM-044", "Mat Ruj", "kozmetik", 22990),
    ("KZM-071", "Güneş Kremi SPF 50", "kozmetik", 42990),
    ("KZM-093", "Parfüm 50 ml", "kozmetik", 129990),
    ("HJY-005", "Diş Fırçası 2'li", "hijyen", 8990),
    ("HJY-021", "Islak Mendil 12'li Paket", "hijyen", 15990),
    ("HJY-038", "Sıvı Sabun 1,5 L", "hijyen", 11990),
    ("IC-201", "Pamuklu Külot 3'lü", "iç giyim", 24990),
    ("IC-233", "Dantelli Sütyen", "iç giyim", 39990),
    ("IC-260", "Erkek Boxer 2'li", "iç giyim", 21990),
    ("IC-288", "Pijama Takımı", "iç giyim", 49990),
    ("KOZ-901", "İsim Yazılı Kupa", "kişiye özel", 17990),
    ("KOZ-925", "Fotoğraf Baskılı Yastık", "kişiye özel", 29990),
    ("KOZ-947", "Kişiye Özel Gümüş Kolye", "kişiye özel", 89990),
    ("GID-301", "Antep Fıstığı 500 g", "gıda", 54990),
    ("GID-322", "Çiçek Balı 850 g", "gıda", 42990),
    ("GID-340", "Türk Kahvesi 250 g", "gıda", 16990),
    ("GID-366", "Lokum Çeşitleri 1 kg", "gıda", 32990),
    ("ELK-410", "Kablosuz Kulaklık", "elektronik", 149990),
    ("ELK-433", "Akıllı Saat", "elektronik", 349990),
    ("ELK-458", "Powerbank 20000 mAh", "elektronik", 89990),
    ("ELK-480", "Bluetooth Hoparlör", "elektronik", 119990),
    ("EV-701", "Pamuk Nevresim Takımı", "ev", 79990),
    ("EV-725", "Seramik Yemek Takımı 24 Parça", "ev", 249990),
    ("EV-742", "Banyo Havlusu Seti", "ev", 44990),
    ("EV-768", "Türk Kahvesi Makinesi", "ev", 199990),
    ("AKS-801", "Deri Kemer", "aksesuar", 29990),
    ("AKS-822", "İpek Eşarp", "aksesuar", 59990),
    ("SPR-901", "Yoga Matı", "spor", 39990),
    ("OYN-110", "Ahşap Yapboz", "oyuncak", 24990),
]
# What the shop says of each catalogue product, by topic (the import's
# "products", docs/STORE.md): the dialogue says these when a shopper asks
# "ipek mi", "makinede yıkanır mı", "iphone ile uyumlu mu". Each text reads
# after "İpek Eşarp malzemesi:" and ends with a full stop.
PRODUCT_FACTS = {
    "TS-102": {"material": "%100 pamuk, 160 g/m² süprem örgü.",
               "care": "30 derecede ters yüz yıkayın; pamuk olduğu için ilk yıkamada biraz çekebilir.",
               "fit": "Normal kalıp, unisex; arada kalırsanız kendi bedeninizi alın.",
               "origin": "Türkiye'de (Denizli) üretildi."},
    "GM-220": {"material": "%100 pamuk poplin.",
               "care": "30 derecede yıkayın, orta ısıda ütüleyin; kurutma makinesine atmayın.",
               "fit": "Oversize kalıp: omuz düşük ve bol; normal bir görünüm için bir beden küçük alabilirsiniz.",
               "origin": "Türkiye'de üretildi."},
    "KP-310": {"material": "%98 pamuk, %2 elastan denim; hafif esner.",
               "care": "30 derecede ters yüz, koyu renklerle yıkayın; ilk yıkamalarda boya verebilir.",
               "fit": "Yüksek bel, dar paça; kalıbı normal."},
    "SW-415": {"material": "%80 pamuk, %20 polyester; içi şardonlu üç iplik.",
               "care": "30 derecede ters yüz yıkayın; kurutma makinesi tüylenmeyi artırır.",
               "fit": "Rahat kalıp, unisex."},
    "ELB-118": {"material": "%100 viskon; astarı %100 polyester.",
                "care": "30 derecede hassas programda yıkayın; viskon ilk yıkamada biraz çekebilir, asarak kurutun.",
                "fit": "Belden oturan, eteği rahat; boyu diz altı (M beden 115 cm)."},
    "MNT-501": {"material": "%60 yün, %40 polyester kaşe; astarı viskon.",
                "care": "Yalnızca kuru temizleme; makinede yıkanmaz.",
                "fit": "Normal kalıp; içine kalın kazak giyecekseniz bir beden büyük alabilirsiniz."},
    "AYK-601": {"material": "Hakiki dana derisi; tabanı kauçuk.",
                "care": "Nemli bezle silin; makinede yıkamayın.",
                "fit": "Kalıbı normal; geniş ayaklar için yarım numara büyük önerilir."},
    "AYK-640": {"material": "Suni deri (vegan); topuk yüksekliği 7 cm.",
                "fit": "Kalıbı dar; bir numara büyük almanızı öneririz."},
    "AYK-677": {"material": "Hakiki deri; iç astarı da deri, tabanı kösele.",
                "care": "Deri boyası ve krem ile bakım yapın; suya karşı koruyucu sprey önerilir.",
                "fit": "Kalıbı normal."},
    "BOT-702": {"material": "Su geçirmez membranlı nubuk deri; tabanı kauçuk.",
                "care": "Çamuru kuruyunca fırçalayın; ısıtıcı üstünde kurutmayın.",
                "fit": "Kalıbı normal; kalın çorapla yarım numara büyük rahat eder."},
    "KZM-010": {"ingredients": "Hyalüronik asit ve seramid içerir; parfüm, alkol ve paraben içermez. Hassas ciltlerde dermatolojik olarak test edildi.",
                "origin": "Türkiye'de üretildi."},
    "KZM-044": {"ingredients": "Paraben içermez; hafif vanilya kokuludur. Dudakları kurutmaması için E vitamini içerir."},
    "KZM-071": {"ingredients": "SPF 50, UVA ve UVB korumalı; parfüm içermez, hassas ve akneye yatkın ciltlere uygundur.",
                "origin": "Fransa'da üretildi."},
    "KZM-093": {"ingredients": "Eau de parfum: alkol bazlı, odunsu ve amber notalar; kalıcılığı 6-8 saat.",
                "origin": "Fransa'da üretildi."},
    "HJY-005": {"material": "Yumuşak naylon kıllar, geri dönüştürülmüş plastik sap.",
                "ingredients": "BPA içermez."},
    "HJY-021": {"ingredients": "%99 su bazlı; alkol ve parfüm içermez, bebek cildine uygundur."},
    "HJY-038": {"ingredients": "Zeytinyağlı; paraben içermez, hafif lavanta kokuludur.",
                "origin": "Türkiye'de üretildi."},
    "IC-201": {"material": "%95 pamuk, %5 elastan.",
               "care": "40 derecede yıkayın; kurutma makinesinde kurutmayın.",
               "fit": "Normal kalıp; ara bedende bir büyüğü önerilir."},
    "IC-233": {"material": "%90 poliamid dantel, %10 elastan; balenli, dolgusuz.",
               "care": "Elde, soğuk suda yıkayın; sıkmadan asarak kurutun."},
    "IC-260": {"material": "%95 pamuk, %5 elastan.",
               "care": "40 derecede yıkanır.",
               "fit": "Vücuda oturan kalıp."},
    "IC-288": {"material": "%100 pamuk penye.",
               "care": "40 derecede yıkayın; ilk yıkamada biraz çekebilir.",
               "fit": "Rahat kalıp."},
    "KOZ-901": {"material": "Porselen, 330 ml.",
                "care": "Baskı kalıcıdır; bulaşık makinesinde yıkanabilir, mikrodalgaya girebilir."},
    "KOZ-925": {"material": "Kılıfı %100 polyester saten, iç dolgusu elyaf; 40 x 40 cm.",
                "care": "Kılıfı fermuarlı; 30 derecede ters yüz yıkayın, baskının üstünden ütülemeyin."},
    "KOZ-947": {"material": "925 ayar gümüş, rodyum kaplama; zincir 45 cm.",
                "care": "Parfüm ve denizle temasından kaçının; yumuşak bezle silin.",
                "ingredients": "Nikel içermez; alerjisi olanlar için uygundur."},
    "GID-301": {"ingredients": "Gaziantep fıstığı, tuzsuz ve kavrulmuş; katkı maddesi içermez. Aynı tesiste fındık ve badem de işlenir.",
                "origin": "Gaziantep."},
    "GID-322": {"ingredients": "%100 çiçek balı; şeker ve katkı maddesi içermez.",
                "origin": "Muğla'da üretildi."},
    "GID-340": {"ingredients": "%100 Arabica, orta kavrum, ince çekilmiş; katkı maddesi içermez.",
                "origin": "Kahve Brezilya'dan; Türkiye'de kavrulup paketlendi."},
    "GID-366": {"ingredients": "Şeker, nişasta, fındık, fıstık ve gül aroması; jelatin içermez.",
                "origin": "İstanbul'da üretildi."},
    "ELK-410": {"compatibility": "Bluetooth 5.3 ile iPhone (iOS) ve Android telefonlarla, tablet ve bilgisayarlarla uyumlu.",
                "manual": "Kutudan Türkçe kullanım kılavuzu çıkıyor; uygulamasının menüsü de Türkçe.",
                "origin": "Çin'de üretildi; 2 yıl Türkiye garantili."},
    "ELK-433": {"compatibility": "Bluetooth ile iPhone (iOS 15 ve üstü) ve Android 9 ve üstü telefonlarla çalışır; uygulaması ikisinde de var.",
                "manual": "Saatin menüsü ve kullanım kılavuzu Türkçe.",
                "material": "Alüminyum kasa, silikon kordon; 5 ATM suya dayanıklı."},
    "ELK-458": {"compatibility": "USB-C ve USB-A çıkışlı; iPhone, Android telefonlar ve tabletlerle uyumlu, 20 W hızlı şarj destekler.",
                "manual": "Türkçe kullanım kılavuzu kutuda."},
    "ELK-480": {"compatibility": "Bluetooth 5.0; iPhone, Android ve bilgisayarlarla uyumlu, AUX girişi de var.",
                "manual": "Türkçe kullanım kılavuzu kutuda.",
                "material": "IPX5 suya dayanıklı kumaş kaplama."},
    "EV-701": {"material": "%100 pamuk ranforce; çift kişilik.",
               "care": "40 derecede yıkayın; ilk yıkamada yüzde 2-3 çekebilir.",
               "origin": "Türkiye'de (Denizli) üretildi."},
    "EV-725": {"material": "Porselen; 6 kişilik, 24 parça.",
               "care": "Bulaşık makinesinde yıkanabilir ve mikrodalgaya girebilir; fırında kullanmayın."},
    "EV-742": {"material": "%100 pamuk, 500 g/m²; 4 parça.",
               "care": "40 derecede yıkayın, yumuşatıcı kullanmayın: havlunun emiciliğini azaltır.",
               "origin": "Türkiye'de (Denizli) üretildi."},
    "EV-768": {"compatibility": "Türkiye'deki prizlerle (220-240 V) uyumlu; tek seferde 4 fincan.",
               "manual": "Türkçe kullanım kılavuzu ve menüsü var.",
               "care": "Haznesini yalnızca nemli bezle silin; suya sokmayın."},
    "AKS-801": {"material": "Hakiki dana derisi; tokası paslanmaz çelik.",
                "fit": "Unisex; 4 cm genişliğinde, boyu kısaltılabilir."},
    "AKS-822": {"material": "%100 doğal ipek; saten dokulu ama saten kumaş değil.",
                "care": "Yalnızca kuru temizleme; makinede yıkanmaz, gerekirse düşük ısıda tersinden ütüleyin.",
                "fit": "90 x 90 cm, unisex.",
                "origin": "Bursa'da dokundu."},
    "SPR-901": {"material": "6 mm TPE; kaymaz yüzey, lateks ve PVC içermez.",
                "care": "Nemli bezle silin, gölgede kurutun; makinede yıkamayın."},
    "OYN-110": {"material": "Doğal kayın ağacı, su bazlı boya; 24 parça.",
                "ingredients": "Boyası toksik değildir; küçük parçaları nedeniyle 3 yaş üstü içindir."},
}

SIZES = {"giyim": ["S", "M", "L", "XL"], "ayakkabı": ["37", "38", "39", "40", "41", "42", "43"],
         "iç giyim": ["S", "M", "L"]}

# Colours of some sized products: the first is the colour of the plain SKU
# (TS-102-M), the others have SKUs of their own (TS-102-SYH-M), so the
# exchange dialogue can offer another colour as well as another size.
COLOURS = {"TS-102": [("Beyaz", ""), ("Siyah", "SYH"), ("Lacivert", "LAC")],
           "SW-415": [("Gri", ""), ("Siyah", "SYH"), ("Bordo", "BRD")],
           "GM-220": [("Açık Mavi", ""), ("Beyaz", "BYZ")],
           "AYK-601": [("Beyaz", ""), ("Siyah", "SYH")]}

# Categories the shop does not take back (hygiene and the like).
NON_RETURNABLE = {"hijyen", "iç giyim", "kozmetik", "kişiye özel", "gıda"}

# Return codes: no 0/O, 1/I look-alikes.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Stock the fixed demo orders rely on (the rest is random).
FIXED_STOCK = {"GM-220-S": 2, "GM-220-M": 5, "GM-220-L": 3, "GM-220-XL": 0,
               "ELB-118-L": 4, "ELB-118-S": 6}

CARRIERS = ["yurtici", "aras", "mng", "ptt", "surat", "hepsijet", "trendyol_express"]

# Customer city -> (transfer centre, delivery branches)
CITIES = {
    "İstanbul Anadolu": ("İstanbul Anadolu Transfer Merkezi",
                         ["Kadıköy Şube", "Üsküdar Şube", "Ataşehir Şube", "Maltepe Şube"]),
    "İstanbul Avrupa": ("İstanbul Avrupa Transfer Merkezi",
                        ["Beşiktaş Şube", "Şişli Şube", "Bakırköy Şube", "Esenyurt Şube"]),
    "Ankara": ("Ankara Transfer Merkezi", ["Çankaya Şube", "Keçiören Şube", "Yenimahalle Şube"]),
    "İzmir": ("İzmir Transfer Merkezi", ["Karşıyaka Şube", "Bornova Şube", "Buca Şube"]),
    "Bursa": ("Bursa Transfer Merkezi", ["Nilüfer Şube", "Osmangazi Şube"]),
    "Antalya": ("Antalya Transfer Merkezi", ["Muratpaşa Şube", "Konyaaltı Şube"]),
    "Gaziantep": ("Gaziantep Transfer Merkezi", ["Şahinbey Şube", "Şehitkamil Şube"]),
    "Trabzon": ("Trabzon Transfer Merkezi", ["Ortahisar Şube"]),
    "Diyarbakır": ("Diyarbakır Transfer Merkezi", ["Kayapınar Şube", "Bağlar Şube"]),
    "Eskişehir": ("Eskişehir Transfer Merkezi", ["Tepebaşı Şube", "Odunpazarı Şube"]),
}
ORIGIN = ("Kocaeli Gebze Depo", "Gebze Aktarma Merkezi")

# status -> weight in the random mix
STATUS_WEIGHTS = [("received", 8), ("preparing", 10), ("shipped", 20), ("out_for_delivery", 7),
                  ("delivered", 42), ("cancelled", 6), ("returned", 7)]


def ts(dt):
    return dt.isoformat(timespec="seconds")


def fold(s):
    table = str.maketrans("çğıöşüÇĞİÖŞÜâîû", "cgiosuCGIOSUaiu")
    return s.translate(table).lower()


def money(kurus):
    return "%d.%02d" % (kurus // 100, kurus % 100)


def tracking_no(rng, carrier):
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))
    return {
        "yurtici": lambda: "YK" + d(9) + "TR",
        "aras": lambda: d(12),
        "mng": lambda: "MNG" + d(10),
        "ptt": lambda: "KP" + d(11),
        "surat": lambda: "SK" + d(10),
        "hepsijet": lambda: "HJ" + d(11),
        "trendyol_express": lambda: "TEX" + d(10),
    }[carrier]()


class Gen:
    def __init__(self, rng, now):
        self.rng = rng
        self.now = now
        self.customers = []

    def make_customer(self, i):
        rng = self.rng
        first = rng.choice(FEMALE if rng.random() < 0.55 else MALE)
        last = rng.choice(LAST)
        if rng.random() < 0.1:  # a second given name now and then
            first += " " + rng.choice(FEMALE + MALE)
        email = "%s.%s%d@%s" % (fold(first.split()[0]), fold(last), i, rng.choice(MAIL_DOMAINS))
        phone = "+90%s%07d" % (rng.choice(OPERATOR_PREFIXES), rng.randrange(10 ** 7))
        city = rng.choice(list(CITIES))
        return {"name": first + " " + last, "email": email, "phone": phone, "city": city}

    def items(self, n=None):
        rng = self.rng
        picks = rng.sample(CATALOGUE, n or rng.choice([1, 1, 1, 2, 2, 3, 4]))
        out = []
        for sku, name, cat, price in picks:
            if cat in SIZES:
                sku = sku + "-" + rng.choice(SIZES[cat])
            qty = 1 if rng.random() < 0.8 else rng.choice([2, 3])
            out.append({"sku": sku, "name": name, "category": cat, "qty": qty,
                        "price": money(price)})
        return out

    def payment(self, items):
        rng = self.rng
        total = sum(int(it["price"].replace(".", "")) * it["qty"] for it in items)
        if total < 50000:
            total += 4990  # shipping fee under 500 TL
        method = rng.choices(["card", "bank_transfer", "cash_on_delivery"], [80, 8, 12])[0]
        inst = rng.choice([1, 1, 1, 2, 3, 3, 6, 9, 12]) if method == "card" and total > 100000 else 1
        return {"method": method, "installments": inst, "total": money(total), "currency": "TRY"}

    def events(self, carrier, city, shipped, stage, delivered=None, returned=False,
               end=None):
        """Events from pick-up to `stage`: in_transit, at_branch, out_for_delivery,
        delivered. Times never pass `end` (default now)."""
        rng = self.rng
        end = end or self.now
        hub, branches = CITIES[city]
        branch = rng.choice(branches)
        t = shipped
        evs = [{"at": ts(t), "location": ORIGIN[0], "status": "accepted",
                "description": "Gönderi kabul edildi"}]
        steps = [(timedelta(hours=rng.randint(3, 8)), ORIGIN[1], "in_transit",
                  "Transfer merkezine ulaştı"),
                 (timedelta(hours=rng.randint(1, 4)), ORIGIN[1], "in_transit",
                  "Transfer merkezinden çıkış yaptı"),
                 (timedelta(hours=rng.randint(6, 14)), hub, "in_transit",
                  "Transfer merkezine ulaştı"),
                 (timedelta(hours=rng.randint(1, 5)), hub, "in_transit",
                  "Transfer merkezinden çıkış yaptı"),
                 (timedelta(hours=rng.randint(2, 6)), branch, "at_branch",
                  "Teslimat şubesine ulaştı")]
        upto = {"in_transit": rng.randint(1, 4), "at_branch": 5, "out_for_delivery": 5,
                "delivered": 5}[stage]
        for delta, loc, st, desc in steps[:upto]:
            t = t + delta
            if t > end:
                return evs
            evs.append({"at": ts(t), "location": loc, "status": st, "description": desc})
        if stage in ("out_for_delivery", "delivered"):
            t = max(t + timedelta(hours=rng.randint(8, 14)),
                    t.replace(hour=9, minute=rng.randint(0, 50)) + timedelta(days=1))
            if delivered:
                t = min(t, delivered - timedelta(hours=2))
            if t <= end:
                evs.append({"at": ts(t), "location": branch, "status": "out_for_delivery",
                            "description": "Dağıtıma çıkarıldı"})
        if stage == "delivered" and delivered:
            if rng.random() < 0.08:
                evs.append({"at": ts(delivered - timedelta(hours=1)), "location": branch,
                            "status": "delivery_failed",
                            "description": "Alıcı adreste bulunamadı, tekrar denenecek"})
            evs.append({"at": ts(delivered), "location": branch, "status": "delivered",
                        "description": "Teslim edildi"})
            if returned:
                rt = delivered + timedelta(days=rng.randint(2, 6))
                if rt < end:
                    evs.append({"at": ts(rt), "location": branch, "status": "return_accepted",
                                "description": "İade gönderisi kabul edildi"})
                    rt2 = rt + timedelta(days=rng.randint(1, 2))
                    if rt2 < end:
                        evs.append({"at": ts(rt2), "location": ORIGIN[0],
                                    "status": "returned_to_sender",
                                    "description": "Göndericiye iade edildi"})
        return evs

    def order(self, oid, status, cust=None, carrier=None):
        rng = self.rng
        cust = cust or rng.choice(self.customers)
        items = self.items()
        age = {"received": (0.05, 1), "preparing": (0.3, 2), "shipped": (1.2, 6),
               "out_for_delivery": (1.5, 5), "delivered": (3, 60), "cancelled": (1, 40),
               "returned": (10, 70)}[status]
        created = self.now - timedelta(minutes=int(rng.uniform(*age) * 1440))
        o = {"id": oid, "created_at": ts(created), "status": status,
             "customer": {k: cust[k] for k in ("name", "email", "phone")},
             "payment": self.payment(items), "items": items}
        if status in ("shipped", "out_for_delivery", "delivered", "returned"):
            carrier = carrier or rng.choice(CARRIERS)
            shipped = created + timedelta(hours=rng.randint(5, 30))
            shipped = min(shipped, self.now - timedelta(hours=3))
            delivered = None
            stage = {"shipped": rng.choice(["in_transit", "in_transit", "at_branch"]),
                     "out_for_delivery": "out_for_delivery", "delivered": "delivered",
                     "returned": "delivered"}[status]
            if stage == "delivered":
                delivered = shipped + timedelta(hours=rng.randint(30, 80))
                if delivered.hour < 9 or delivered.hour >= 20:  # couriers work by day
                    day = delivered if delivered.hour < 9 else delivered + timedelta(days=1)
                    delivered = day.replace(hour=rng.randint(10, 18), minute=rng.randint(0, 59))
                delivered = min(delivered, self.now - timedelta(hours=1))
            o["shipment"] = {"carrier": carrier, "tracking_no": tracking_no(rng, carrier),
                             "shipped_at": ts(shipped),
                             "delivered_at": ts(delivered) if delivered else None,
                             "events": self.events(carrier, cust["city"], shipped, stage,
                                                   delivered, status == "returned")}
            if status == "out_for_delivery" and o["shipment"]["events"][-1]["status"] != \
                    "out_for_delivery":
                o["shipment"]["events"].append(
                    {"at": ts(self.now - timedelta(hours=rng.randint(1, 3))),
                     "location": rng.choice(CITIES[cust["city"]][1]),
                     "status": "out_for_delivery", "description": "Dağıtıma çıkarıldı"})
            o["shipment"]["events"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
        return o


def fixed_orders(g):
    """The documented demo orders (README). Times are relative to --now."""
    now = g.now
    h = lambda n: timedelta(hours=n)
    d = lambda n: timedelta(days=n)
    out = []

    def person(name, email, phone, city):
        return {"name": name, "email": email, "phone": phone, "city": city}

    def item(sku, name, cat, qty, kurus):
        return {"sku": sku, "name": name, "category": cat, "qty": qty, "price": money(kurus)}

    def order(oid, status, cust, created, items, method="card", inst=1, shipment=None):
        total = sum(int(i["price"].replace(".", "")) * i["qty"] for i in items)
        o = {"id": oid, "created_at": ts(created), "status": status,
             "customer": {k: cust[k] for k in ("name", "email", "phone")},
             "payment": {"method": method, "installments": inst, "total": money(total),
                         "currency": "TRY"},
             "items": items}
        if shipment:
            o["shipment"] = shipment
        return o

    def ev(at, loc, st, desc):
        return {"at": ts(at), "location": loc, "status": st, "description": desc}

    # 1. Shipped with Yurtiçi, in transit (the CONTRACT.md example, moved to now).
    ayse = person("Ayşe Yılmaz", "ayse@example.com", "+905321234567", "İstanbul Anadolu")
    shipped = now - d(1) - h(3) - timedelta(minutes=20)
    out.append(("in transit with Yurtiçi", order(
        "1048213", "shipped", ayse, now - d(2) - h(1) - timedelta(minutes=45),
        [item("TS-102-M", "Pamuklu Tişört", "giyim", 2, 19990),
         item("KP-310-38", "Yüksek Bel Kot Pantolon", "giyim", 1, 34990)], "card", 3,
        {"carrier": "yurtici", "tracking_no": "YK123456789TR", "shipped_at": ts(shipped),
         "delivered_at": None,
         "events": [ev(shipped, "İstanbul Tuzla Şube", "accepted", "Gönderi kabul edildi"),
                    ev(shipped + h(5), "İstanbul Avrupa Transfer Merkezi", "in_transit",
                       "Transfer merkezine ulaştı"),
                    ev(now - h(2) - timedelta(minutes=48), "İstanbul Anadolu Transfer Merkezi",
                       "in_transit", "Transfer merkezinden çıkış yaptı")]})))

    # 2. Delivered two days ago (returnable clothing and shoes).
    mehmet = person("Mehmet Demir", "mehmet.demir@example.com", "+905427654321", "Ankara")
    shipped = now - d(5) - h(2)
    delivered = now - d(2) - h(1)
    out.append(("delivered", order(
        "1052790", "delivered", mehmet, now - d(6),
        [item("AYK-601-42", "Deri Sneaker", "ayakkabı", 1, 129990),
         item("SW-415-L", "Kapüşonlu Sweatshirt", "giyim", 1, 59990)], "card", 6,
        {"carrier": "aras", "tracking_no": "384512907731", "shipped_at": ts(shipped),
         "delivered_at": ts(delivered),
         "events": [ev(shipped, "Kocaeli Gebze Depo", "accepted", "Gönderi kabul edildi"),
                    ev(shipped + h(7), "Gebze Aktarma Merkezi", "in_transit",
                       "Transfer merkezinden çıkış yaptı"),
                    ev(shipped + h(20), "Ankara Transfer Merkezi", "in_transit",
                       "Transfer merkezine ulaştı"),
                    ev(delivered - h(4), "Çankaya Şube", "out_for_delivery",
                       "Dağıtıma çıkarıldı"),
                    ev(delivered, "Çankaya Şube", "delivered", "Teslim edildi")]})))

    # 3. Preparing: can still be cancelled.
    zeynep = person("Zeynep Kaya", "zeynep.kaya@example.com", "+905051112233", "İzmir")
    out.append(("preparing (cancellable)", order(
        "1060334", "preparing", zeynep, now - h(5),
        [item("ELB-118-S", "Çiçekli Midi Elbise", "giyim", 1, 74990),
         item("AKS-822", "İpek Eşarp", "aksesuar", 1, 59990)], "card", 1)))

    # 4. Stuck in transit: no movement for more than three days.
    emre = person("Emre Çelik", "emre.celik@example.com", "+905359876543", "Trabzon")
    shipped = now - d(6) - h(4)
    out.append(("stuck in transit > 3 days", order(
        "1039977", "shipped", emre, now - d(7),
        [item("ELK-410", "Kablosuz Kulaklık", "elektronik", 1, 149990)], "card", 3,
        {"carrier": "mng", "tracking_no": "MNG7730041295", "shipped_at": ts(shipped),
         "delivered_at": None,
         "events": [ev(shipped, "Kocaeli Gebze Depo", "accepted", "Gönderi kabul edildi"),
                    ev(shipped + h(6), "Gebze Aktarma Merkezi", "in_transit",
                       "Transfer merkezine ulaştı"),
                    ev(now - d(4) - h(2), "Gebze Aktarma Merkezi", "in_transit",
                       "Transfer merkezinden çıkış yaptı")]})))

    # 5. Marked delivered yesterday; the shopper says it never arrived.
    elif_ = person("Elif Şahin", "elif.sahin@example.com", "+905443217788", "İstanbul Avrupa")
    shipped = now - d(3) - h(5)
    delivered = now - d(1) + h(2)
    out.append(("delivered, shopper says not received", order(
        "1044102", "delivered", elif_, now - d(4),
        [item("ELK-433", "Akıllı Saat", "elektronik", 1, 349990)], "card", 9,
        {"carrier": "hepsijet", "tracking_no": "HJ40219876543", "shipped_at": ts(shipped),
         "delivered_at": ts(delivered),
         "events": [ev(shipped, "Kocaeli Gebze Depo", "accepted", "Gönderi kabul edildi"),
                    ev(shipped + h(9), "İstanbul Avrupa Transfer Merkezi", "in_transit",
                       "Transfer merkezine ulaştı"),
                    ev(delivered - h(3), "Esenyurt Şube", "out_for_delivery",
                       "Dağıtıma çıkarıldı"),
                    ev(delivered, "Esenyurt Şube", "delivered",
                       "Teslim edildi (teslim alan: site görevlisi)")]})))

    # 6. Delivered, only non-returnable goods (cosmetics, underwear, food).
    fatma = person("Fatma Öztürk", "fatma.ozturk@example.com", "+905301239876", "Bursa")
    shipped = now - d(4)
    delivered = now - d(2) + h(3)
    out.append(("delivered, non-returnable items", order(
        "1051426", "delivered", fatma, now - d(5),
        [item("KZM-044", "Mat Ruj", "kozmetik", 2, 22990),
         item("IC-201-M", "Pamuklu Külot 3'lü", "iç giyim", 1, 24990),
         item("GID-340", "Türk Kahvesi 250 g", "gıda", 2, 16990)], "cash_on_delivery", 1,
        {"carrier": "ptt", "tracking_no": "KP04512398761", "shipped_at": ts(shipped),
         "delivered_at": ts(delivered),
         "events": [ev(shipped, "Kocaeli Gebze Depo", "accepted", "Gönderi kabul edildi"),
                    ev(shipped + h(10), "Bursa Transfer Merkezi", "in_transit",
                       "Transfer merkezine ulaştı"),
                    ev(delivered - h(5), "Nilüfer Şube", "out_for_delivery",
                       "Dağıtıma çıkarıldı"),
                    ev(delivered, "Nilüfer Şube", "delivered", "Teslim edildi")]})))

    # 7. Out for delivery today with Trendyol Express.
    burak = person("Burak Aydın", "burak.aydin@example.com", "+905553334455", "Antalya")
    shipped = now - d(2) - h(3)
    out.append(("out for delivery", order(
        "1061507", "out_for_delivery", burak, now - d(3),
        [item("EV-768", "Türk Kahvesi Makinesi", "ev", 1, 199990)], "card", 3,
        {"carrier": "trendyol_express", "tracking_no": "TEX7311904526", "shipped_at": ts(shipped),
         "delivered_at": None,
         "events": [ev(shipped, "Kocaeli Gebze Depo", "accepted", "Gönderi kabul edildi"),
                    ev(shipped + h(14), "Antalya Transfer Merkezi", "in_transit",
                       "Transfer merkezine ulaştı"),
                    ev(now - h(3), "Muratpaşa Şube", "out_for_delivery",
                       "Dağıtıma çıkarıldı")]})))

    def delivered_shipment(carrier, tracking, shipped, delivered, hub, branch, extra=()):
        return {"carrier": carrier, "tracking_no": tracking, "shipped_at": ts(shipped),
                "delivered_at": ts(delivered),
                "events": [ev(shipped, "Kocaeli Gebze Depo", "accepted", "Gönderi kabul edildi"),
                           ev(shipped + h(8), hub, "in_transit", "Transfer merkezine ulaştı"),
                           ev(delivered - h(4), branch, "out_for_delivery",
                              "Dağıtıma çıkarıldı"),
                           ev(delivered, branch, "delivered", "Teslim edildi")] + list(extra)}

    # 8. Returns (a): delivered 3 days ago, a shirt in M; L is in stock, XL
    # sold out (FIXED_STOCK), so an exchange to L works and to XL does not.
    selin = person("Selin Arslan", "selin.arslan@example.com", "+905336601122", "İzmir")
    shipped = now - d(5) - h(6)
    delivered = now - d(3) - h(2)
    out.append(("returns: delivered 3 days ago, shirt M", order(
        "1057731", "delivered", selin, now - d(6) - h(3),
        [item("GM-220-M", "Oversize Gömlek", "giyim", 1, 44990),
         item("AKS-801", "Deri Kemer", "aksesuar", 1, 29990)], "card", 1,
        delivered_shipment("yurtici", "YK570031942TR", shipped, delivered,
                           "İzmir Transfer Merkezi", "Karşıyaka Şube"))))

    # 9. Returns (b): delivered 40 days ago, outside the 14-day window.
    oguz = person("Oğuz Kılıç", "oguz.kilic@example.com", "+905427780033", "Eskişehir")
    shipped = now - d(42) - h(3)
    delivered = now - d(40) - h(1)
    out.append(("returns: delivered 40 days ago", order(
        "1023958", "delivered", oguz, now - d(43),
        [item("SW-415-XL", "Kapüşonlu Sweatshirt", "giyim", 1, 59990),
         item("ELK-480", "Bluetooth Hoparlör", "elektronik", 1, 119990)], "bank_transfer", 1,
        delivered_shipment("aras", "384577120654", shipped, delivered,
                           "Eskişehir Transfer Merkezi", "Tepebaşı Şube"))))

    # 10. Returns (c): delivered 2 days ago, nothing returnable (underwear,
    # cosmetics).
    derya = person("Derya Koç", "derya.koc@example.com", "+905469904411", "Gaziantep")
    shipped = now - d(4) - h(2)
    delivered = now - d(2) - h(4)
    out.append(("returns: only non-returnable items", order(
        "1058842", "delivered", derya, now - d(5),
        [item("IC-233-M", "Dantelli Sütyen", "iç giyim", 1, 39990),
         item("KZM-010", "Nemlendirici Yüz Kremi", "kozmetik", 1, 34990)], "card", 1,
        delivered_shipment("mng", "MNG5884210377", shipped, delivered,
                           "Gaziantep Transfer Merkezi", "Şahinbey Şube"))))

    # 11. Returns (d): returned, the return refunded to the card.
    gokhan = person("Gökhan Polat", "gokhan.polat@example.com", "+905387712290", "Antalya")
    shipped = now - d(20) - h(5)
    delivered = now - d(18) - h(3)
    back = now - d(14) - h(2)
    out.append(("returns: refunded to the card", order(
        "1041163", "returned", gokhan, now - d(21),
        [item("AYK-677-42", "Erkek Klasik Ayakkabı", "ayakkabı", 1, 149990)], "card", 3,
        delivered_shipment("surat", "SK4116390027", shipped, delivered,
                           "Antalya Transfer Merkezi", "Konyaaltı Şube",
                           [ev(back, "Konyaaltı Şube", "return_accepted",
                               "İade gönderisi kabul edildi"),
                            ev(back + d(2), "Kocaeli Gebze Depo", "returned_to_sender",
                               "Göndericiye iade edildi")]))))

    # 12. Returns (e): delivered, the return on its way back to the shop.
    irem = person("İrem Yıldız", "irem.yildiz@example.com", "+905324409955", "Ankara")
    shipped = now - d(8) - h(4)
    delivered = now - d(6) - h(2)
    out.append(("returns: return in transit", order(
        "1049385", "delivered", irem, now - d(9),
        [item("ELB-118-M", "Çiçekli Midi Elbise", "giyim", 1, 74990)], "cash_on_delivery", 1,
        delivered_shipment("ptt", "KP04938512270", shipped, delivered,
                           "Ankara Transfer Merkezi", "Çankaya Şube"))))
    return out


def fixed_returns(now):
    """The returns of the fixed demo orders (d) and (e)."""
    d = lambda n: timedelta(days=n)
    h = lambda n: timedelta(hours=n)
    return [
        {"order": "1041163", "kind": "return",
         "items": [{"sku": "AYK-677-42", "name": "Erkek Klasik Ayakkabı", "qty": 1}],
         "reason": "begenmedim", "state": "refunded", "code": "RF7M2K9D",
         "created_at": ts(now - d(15) - h(5)), "updated_at": ts(now - d(9) - h(1)),
         "details": {"refund": {"method": "card", "amount": "1499.90",
                                "refunded_at": ts(now - d(9) - h(1)),
                                "note": "Tutar kartınıza 3 taksit olarak iade edildi; bankanıza "
                                        "göre 2-10 iş günü içinde hesabınıza yansır."}}},
        {"order": "1049385", "kind": "return",
         "items": [{"sku": "ELB-118-M", "name": "Çiçekli Midi Elbise", "qty": 1}],
         "reason": "beden", "state": "in_transit", "code": "IAD7K3Q9",
         "created_at": ts(now - d(4) - h(3)), "updated_at": ts(now - d(3) - h(6)),
         "details": {"refund": {"method": "bank_transfer",
                                "note": "Kapıda ödemeli siparişin iadesi IBAN'a yapılır."}}},
    ]


def make_stock(rng):
    """Every size variant of every sized catalogue product, in each of its
    COLOURS; about one in five sold out. FIXED_STOCK wins where it says
    something."""
    out = []
    for prefix, _, cat, _ in CATALOGUE:
        for size in SIZES.get(cat, []):
            sku = "%s-%s" % (prefix, size)
            qty = rng.choice([0, 0, 1, 2, 3, 4, 6, 8, 12, 25])
            entry = {"sku": sku, "qty": FIXED_STOCK.get(sku, qty)}
            if prefix in COLOURS:
                entry.update(product=prefix, colour=COLOURS[prefix][0][0], size=size)
            out.append(entry)
    # the other colours draw after every plain SKU, so those stay as they were
    for prefix, _, cat, _ in CATALOGUE:
        for colour, code in COLOURS.get(prefix, [])[1:]:
            for size in SIZES.get(cat, []):
                out.append({"sku": "%s-%s-%s" % (prefix, code, size), "product": prefix,
                            "colour": colour, "size": size,
                            "qty": rng.choice([0, 1, 2, 3, 4, 6, 8, 12])})
    return out


REJECTION = ("Ürün kullanılmış ve orijinal etiketi çıkarılmış olarak depomuza ulaştı; iade "
             "koşullarını karşılamadığı için kargo ücreti bizden size geri gönderildi.")


def random_returns(rng, orders, stock, now, taken_codes):
    """Returns in the states the fixed ones do not show, on random delivered or
    returned orders, preferring a different payment method for each. Skipped
    when the file has no fitting order (a very small --count)."""
    in_stock = {s["sku"] for s in stock if s["qty"] > 0}

    def code():
        while True:
            c = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
            if c not in taken_codes:
                taken_codes.add(c)
                return c

    def delivered_at(o):
        sh = o.get("shipment") or {}
        return datetime.fromisoformat(sh["delivered_at"]) if sh.get("delivered_at") else None

    def returnable(o):
        return [i for i in o["items"] if i["category"] not in NON_RETURNABLE]

    # (state, kind, order status wanted, preferred payment, days since delivery at most)
    plan = [("requested", "return", "delivered", "bank_transfer", 12),
            ("received", "return", "returned", "cash_on_delivery", 60),
            ("inspected", "return", "returned", "card", 60),
            ("refunded", "return", "returned", "bank_transfer", 60),
            ("rejected", "return", "delivered", "card", 30),
            ("exchanged", "exchange", "delivered", "cash_on_delivery", 30),
            ("open", "case", "delivered", "card", 10)]
    used = set()
    out = []
    for state, kind, status, method, max_days in plan:
        cands = []
        for o in orders:
            dt = delivered_at(o)
            if o["id"] in used or o["status"] != status or not dt:
                continue
            if now - dt > timedelta(days=max_days) or now - dt < timedelta(hours=30):
                continue
            items = returnable(o) if kind != "case" else o["items"]
            if kind == "exchange":
                items = [i for i in items if any(
                    i["sku"].rsplit("-", 1)[0] + "-" + s != i["sku"] and
                    i["sku"].rsplit("-", 1)[0] + "-" + s in in_stock
                    for s in SIZES.get(i["category"], []))]
            if items:
                cands.append((o["payment"]["method"] != method, o["id"], o, items))
        if not cands:
            continue
        cands.sort(key=lambda c: (c[0], c[1]))
        best = [c for c in cands if c[0] == cands[0][0]]
        _, oid, o, items = rng.choice(best)
        used.add(oid)
        it = rng.choice(items)
        dt = delivered_at(o)
        created = min(dt + timedelta(hours=rng.randint(20, 60)), now - timedelta(hours=6))
        updated = min(created + timedelta(days=rng.randint(2, 6)), now - timedelta(hours=1))
        r = {"order": oid, "kind": kind,
             "items": [{"sku": it["sku"], "name": it["name"], "qty": 1}],
             "reason": "begenmedim", "state": state, "code": code(),
             "created_at": ts(created), "updated_at": ts(updated if state != "requested"
                                                          else created)}
        if state == "rejected":
            r["reason"] = "kusurlu"
            r["details"] = {"rejection_reason": REJECTION}
        elif state == "refunded":
            r["details"] = {"refund": {"method": o["payment"]["method"], "amount": it["price"],
                                       "refunded_at": ts(updated)}}
        elif kind == "exchange":
            base = it["sku"].rsplit("-", 1)[0]
            sizes = [s for s in SIZES[it["category"]]
                     if base + "-" + s != it["sku"] and base + "-" + s in in_stock]
            size = rng.choice(sizes)
            r["reason"] = "beden"
            r["details"] = {"new_size": size, "new_sku": base + "-" + size}
        elif kind == "case":
            del r["code"]
            r["reason"] = "hasarli"
            r["priority"] = "urgent"
            r["updated_at"] = r["created_at"]
            r["details"] = {"description": "Kutu ezik geldi, ürünün kenarında çatlak var.",
                            "photos": 2}
        out.append(r)
    return out


def product_facts():
    """The facts of every catalogue product, in the catalogue's order."""
    assert set(PRODUCT_FACTS) == {prefix for prefix, _, _, _ in CATALOGUE}
    return [{"name": name, "facts": PRODUCT_FACTS[prefix]}
            for prefix, name, _, _ in CATALOGUE]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=300,
                    help="number of orders, the fixed demo orders included (default 300)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    ap.add_argument("--now", default=DEFAULT_NOW,
                    help="the moment the data is relative to (default %s)" % DEFAULT_NOW)
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    ap.add_argument("--list", action="store_true", help="only list the fixed demo orders")
    args = ap.parse_args()
    now = datetime.fromisoformat(args.now)
    if now.tzinfo is None:
        ap.error("--now needs an offset, like %s" % DEFAULT_NOW)

    rng = random.Random(args.seed)
    g = Gen(rng, now)
    fixed = fixed_orders(g)
    fixed_rets = fixed_returns(now)
    for label, o in fixed:
        print("demo order %s  %-40s %s (%s)" % (o["id"], label, o["customer"]["email"],
                                                o["customer"]["name"]), file=sys.stderr)
    for r in fixed_rets:
        print("demo return %s  order %s, %s" % (r["code"], r["order"], r["state"]),
              file=sys.stderr)
    if args.list:
        return 0

    n_random = max(0, args.count - len(fixed))
    g.customers = [g.make_customer(i + 1) for i in range(max(20, n_random // 3))]
    taken = {o["id"] for _, o in fixed}
    ids = [i for i in rng.sample(range(1000000, 10000000), n_random + len(taken))
           if str(i) not in taken][:n_random]
    ids.sort()
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    orders = [o for _, o in fixed][:args.count]
    for k, oid in enumerate(ids):
        # every status and every carrier appear even in a small file
        status = statuses[k] if k < len(statuses) else rng.choices(statuses, weights)[0]
        carrier = CARRIERS[k % len(CARRIERS)] if k < 2 * len(CARRIERS) else None
        if k < 2 * len(CARRIERS) and k >= len(statuses):
            status = "delivered"
        orders.append(g.order(str(oid), status, carrier=carrier))

    # stock and returns draw from their own generator: the orders above stay
    # what they would be without them
    rng2 = random.Random(args.seed + 1)
    stock = make_stock(rng2)
    included = {o["id"] for o in orders}
    returns = [r for r in fixed_rets if r["order"] in included]
    returns += random_returns(rng2, orders[len(fixed):], stock, now,
                              {r["code"] for r in fixed_rets})
    returns.sort(key=lambda r: datetime.fromisoformat(r["created_at"]))

    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout

    def write_array(key, values, last):
        out.write('"%s": [\n' % key)
        for i, v in enumerate(values):
            out.write(json.dumps(v, ensure_ascii=False, separators=(",", ":")))
            out.write(",\n" if i + 1 < len(values) else "\n")
        out.write("]}\n" if last else "],\n")

    out.write("{")
    write_array("orders", orders, False)
    write_array("stock", stock, False)
    write_array("returns", returns, False)
    write_array("products", product_facts(), True)
    if args.output:
        out.close()
    print("%d orders, %d SKUs in stock, %d returns, %d products described (seed %d, now %s)"
          % (len(orders), len(stock), len(returns), len(PRODUCT_FACTS), args.seed, args.now),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
