"""Word lists that map English and Russian words to scene attributes.

Each entry is a whitespace-separated list of patterns (see ``scene._Matcher``):

* ``word``   English: the word itself or with a plural ``s``/``es``.
  Russian (Cyrillic): the stem followed by an ordinary inflection
  (``лес`` -> лес, леса, лесу, лесом; but not лестница).
* ``stem*``  a free prefix, for long stems that are safe to truncate.
* ``stem#``  a Russian stem followed by adjective endings only
  (``сер#`` -> серый, серая; but not сера).
* ``=word``  exactly this word.

Text is lower-cased and ``ё`` is folded to ``е`` before matching.
"""

from __future__ import annotations

Lexicon = dict[str, str]

SETTINGS: Lexicon = {
    "forest": (
        "forest woods woodland* grove thicket pinewood* jungle taiga "
        "лес лесн* =чаща =чащи =чащу =чащей чащоб* бор рощ тайг* ельник* дубрав* перелес* джунгл*"
    ),
    "sea": (
        "sea ocean* shore beach coast coastal seashore seaside harbour harbor bay surf waves "
        "seascape мор морск* океан* побереж* волн =прибой =прибоя =прибоем залив* гаван* пляж* "
        "взмор*"
    ),
    "mountains": (
        "mountain* snowcapped peak cliff ridge summit alps crag gorge canyon "
        "гор горн# скал скалист* вершин* хребт* =хребет утес* ущель* перевал* альп*"
    ),
    "city": (
        "city cities town street avenue alley skyline rooftop metropolis downtown boulevard "
        "город городск* улиц переул* площад* столиц* проспект* бульвар* мостов#"
    ),
    "castle": (
        "castle palace fortress citadel battlement rampart "
        "кремл* =замок =замка =замке =замку =замком =замки =замков дворц* =дворец крепост* "
        "цитадел* бастион* твердын*"
    ),
    "village": (
        "village hamlet cottage farm farmhouse hut cabin barn "
        "деревн* деревен* =село =селе =селом сельск* селени* изб избушк* хат хутор* усадьб* ферм "
        "домик* =дом"
    ),
    "field": (
        "field meadow steppe prairie =plains grassland pasture hill hillside countryside "
        "=поле =поля =полю =полем =полях =полям =полями полев* луг лугов* степ степн* равнин* "
        "нив холм холмист* пастбищ* пригор*"
    ),
    "desert": "desert dune sand sandy sahara oasis пустын* дюн бархан* =песок песк песчан* оазис*",
    "river": (
        "river lake pond stream brook creek waterfall riverbank "
        "рек речк* речн* озер озерн* пруд =ручей ручь* водопад* заводь* =плес затон*"
    ),
    "garden": "garden park orchard greenhouse сад садов* парк оранжере* клумб* цветник*",
    "interior": (
        "room hall chamber kitchen library bedroom inside indoors tavern inn attic cellar "
        "parlour parlor fireplace "
        "комнат* зал горниц* кухн* спальн* библиотек* кабинет* светлиц* покоях таверн* трактир* "
        "чердак* подвал* гостин# камин* =келья =кельи =келье =доме =избе =избушке"
    ),
    "road": (
        "road path highway trail track дорог троп тропинк* =шоссе =тракт =тракта =тракте большак*"
    ),
}

TIMES: Lexicon = {
    "dawn": (
        "dawn daybreak sunrise morning aurora рассвет* зар утр утренн* восход* заутрен* =поутру"
    ),
    "day": "day noon midday afternoon daylight daytime =день =днем полдн* =полдень дневн*",
    "dusk": (
        "dusk sunset evening twilight sundown nightfall "
        "закат* вечер вечерн* сумер* сумрак* смеркал*"
    ),
    "night": "night midnight nighttime nocturnal ноч ночн* полноч*",
}

SEASONS: Lexicon = {
    "winter": (
        "winter wintry frost frosty frozen icy snowy snowbound snowdrift "
        "зим зимн* мороз* =лед льд* =иней =инеем стуж* снежн* заснежен* сугроб*"
    ),
    "spring": "spring springtime blossom blooming thaw весн весенн* оттепел* капел* подснеж*",
    "summer": "summer summertime midsummer heat =лето =летом =лету летн* зной* жар жарк#",
    "autumn": "autumn autumnal harvest осен* листопад* =жатва",
}

WEATHERS: Lexicon = {
    "storm": (
        "storm stormy thunder* lightning tempest hurricane gale "
        "=буря =бури =бурю =бурей =бурь бурн* шторм* гроз грозов* гром громов* молни* ураган*"
    ),
    "snow": (
        "snow snowfall snowflake snowing blizzard snowstorm "
        "снег снежинк* снегопад* метел вьюг* пург* =снежит"
    ),
    "rain": (
        "rain rainy raining rained drizzle downpour showers raindrop "
        "дожд* =ливень ливн* морос* ненаст*"
    ),
    "fog": "fog foggy mist misty haze hazy murk туман* мгл мглист* дымк марев*",
    "cloudy": "cloud cloudy overcast облак* облачн* туч пасмурн* хмур*",
    "wind": "wind windy breeze gust windswept =ветер ветр ветрен* вихр* =вихрь",
    "clear": "clear cloudless sunny sunshine sunlit ясн* безоблачн* солнечн*",
}

COLOURS: Lexicon = {
    "red": (
        "red scarlet crimson ruby blood bloody vermilion reddish "
        "красн* ал# алел* багр* кровав* рдян* рубинов* пунцов*"
    ),
    "golden": "gold golden gilded amber honey золот* позолоч* янтар* медов*",
    "yellow": "yellow yellowish желт* лимонн*",
    "orange": "orange copper tangerine оранжев* рыж# медн# огненн*",
    "blue": (
        "blue azure sapphire navy cobalt bluish indigo син# синев* голуб# лазур* сапфир* =индиго"
    ),
    "turquoise": "turquoise teal cyan бирюз*",
    "green": "green emerald verdant greenish зелен* изумруд*",
    "grey": "grey gray ashen leaden greyish grayish сер# =серо пепельн* свинцов* сед#",
    "black": "black ebony inky черн* смолян* вороно*",
    "white": "white snowwhite milky pale ivory бел# белоснеж* белизн* молочн* бледн*",
    "purple": (
        "purple violet lilac lavender mauve magenta фиолет* лилов* пурпур* сиренев* лаванд*"
    ),
    "pink": "pink rosy розов* румян*",
    "silver": "silver silvery silvered серебр*",
    "brown": (
        "brown chestnut umber tawny коричнев* =бурый =бурая =бурое =бурые =бурых =бурым "
        "каштанов* смугл*"
    ),
}

OBJECTS: Lexicon = {
    "moon": "moon moonlight moonlit crescent лун лунн* полнолун*",
    "sun": "sun sunlight sunbeam солнц солнышк*",
    "smoke": "smoke smoking chimney chimneys =дым =дыма =дымом =дымок =дымки дымящ* трубы печн*",
    "stars": "star starry starlight starlit звезд*",
    "fire": (
        "fire candle lamp lantern torch hearth flame campfire bonfire fireplace candlelight "
        "firelight =огонь огн огонек* =костер костр свеч свечк* ламп фонар* факел* =пламя "
        "пламен* очаг* камин* лучин*"
    ),
    "ship": (
        "ship boat sail vessel schooner frigate yacht galleon "
        "корабл* судн лодк лодочк* парус* фрегат* шхун* ладь* яхт* баркас*"
    ),
    "tower": "tower spire turret lighthouse belfry башн* башен* шпил* маяк* колокольн*",
    "trees": (
        "tree oak pine birch willow maple fir spruce elm "
        "дерев деревь* берез* дуб сосн* =ива =ивы клен* елов* =ель елк* тополь* топол"
    ),
    "flowers": (
        "flower blossom roses tulip lily lilies daisy daisies poppy poppies bloom "
        "=цветок цветк* =цветы =цветов =цветами =цветах цветущ* роз тюльпан* =сирень лили* "
        "ромашк* =маки =маков незабуд* васильк*"
    ),
}

MOODS: Lexicon = {
    "gloomy": (
        "dark darkness gloomy grim sombre somber bleak sinister dim shadow "
        "мрачн* темн* темнот* угрюм* зловещ* тускл* =тень =тени тьм"
    ),
    "bright": (
        "bright shining radiant sparkling gleaming brilliant cheerful "
        "светл* ярк# сияющ* сиял* сверка* блест* радостн*"
    ),
}
