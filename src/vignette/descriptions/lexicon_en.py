"""Hand-made English cue words by category, in base form; see nlp.en_forms for inflections."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PLACE = _words("""
    room chamber hall corridor passage staircase stair stairs landing attic cellar vault kitchen
    parlour parlor drawing-room library study bedroom apartment lodge house mansion manor castle
    palace tower turret cottage hut cabin farmhouse inn tavern shop street lane road avenue square
    alley courtyard yard garden orchard park lawn meadow field pasture moor heath marsh swamp fen
    forest wood woods grove thicket valley vale glen ravine gorge hill hillside mountain peak cliff
    crag rock rocks ridge slope plain prairie desert shore beach coast bay harbour harbor sea ocean
    lake pond pool tarn river stream brook creek bank bridge ford waterfall island village town
    city suburb church chapel cathedral abbey churchyard cemetery graveyard tomb ruin ruins wall
    walls gate gateway arch archway courtyard window windows roof roofs chimney floor ceiling
    fireplace hearth doorway porch terrace balcony veranda station platform quay dock wharf
    pavilion temple dungeon cave cavern hollow horizon landscape scenery view building buildings
    kingdom country countryside estate grounds domain wilderness pathway path track trail
    battlement battlements parapet moat causeway fountain well cellar corner interior exterior
    facade front outskirts neighbourhood neighborhood market marketplace crossroads highway
    eaves masonry brickwork stonework gable cornice pillar column colonnade rafters panelling
    wainscot pane panes curb kerb pavement steps threshold
    """)
NATURE = _words("""
    tree trees trunk trunks branch branches bough boughs foliage leaf grass bush bushes shrub
    shrubs hedge hedgerow moss ivy lichen fungi fern ferns reeds rushes sedge sedges heather
    flowers blossom oak elm birch pine pines fir willow poplar aspen beech vine
    """)
SPATIAL = _words("""
    beyond across above below beneath underneath around along among amid amidst behind opposite
    surrounding surrounded overhanging overlooking distance distant far afar nearby yonder
    """)
POSE = _words("""
    stand lie stretch rise tower loom overlook surround border line extend slope wind descend
    spread overhang encircle enclose face sit perch nestle crown dot
    """)
BODY = _words("""
    face features countenance complexion eye eyes eyebrow eyebrows brow brows forehead lash lashes
    nose mouth lip lips cheek cheeks chin jaw beard moustache mustache whiskers hair curls locks
    tresses braid braids head neck shoulder shoulders figure frame build stature limbs hand hands
    finger fingers skin teeth smile expression features air bearing gait physiognomy
    """)
WEAR = _words("""
    coat overcoat frock-coat greatcoat cloak cape gown dress frock robe mantle shawl scarf veil
    bonnet hat cap helmet hood boots boot shoes shoe slippers gloves glove waistcoat vest jacket
    trousers breeches skirt apron collar cravat tie ribbon ribbons lace sleeve sleeves uniform
    armour armor spectacles eyeglasses monocle jewels necklace brooch ring rings earrings costume
    attire garb clothes clothing garment garments linen wig mask
    """)
LOOK = _words("""
    tall short thin lean slender slim stout fat plump portly stooping bent broad broad-shouldered
    pale sallow ruddy swarthy tanned haggard wan gaunt wrinkled handsome beautiful pretty lovely
    comely ugly plain homely elegant graceful slight delicate robust sturdy muscular bald
    grey-haired gray-haired white-haired fair-haired dark-haired curly curly-haired bearded
    clean-shaven
    freckled blue-eyed grey-eyed dark-eyed hooked aquiline sharp cadaverous emaciated hale youthful
    aged elderly wizened hunched dressed clad attired
    """)
PERSON = _words("""
    man woman girl boy lady gentleman fellow child old youth maiden stranger figure visitor
    """)
WEATHER = _words("""
    rain shower drizzle downpour storm tempest thunderstorm thunder lightning wind breeze gust gale
    snow snowflake blizzard frost ice hail fog mist haze vapour vapor cloud clouds sky heaven
    heavens sunshine heat dew damp dampness weather air atmosphere
    """)
LIGHT = _words("""
    light sunlight moonlight starlight twilight gloom darkness dark shadow shadows shade sun moon
    star stars ray rays beam beams glow gleam glimmer glitter sparkle shine flicker flash radiance
    lamp lamplight candle candlelight firelight fire flame flames blaze lantern dim dusky murky
    bright brilliant shining gleaming glowing luminous shadowy sombre somber pallid lurid ghastly
    """)
SOUND = _words("""
    sound sounds noise silence hush whisper murmur roar rumble rustle creak crash echo echoes ring
    ringing toll tolling chime hum buzz howl howling hiss patter splash clatter thunder song
    bell bells step footstep footsteps tap knock knocking hoof hoofs
    singing music cry cries moan moaning wail sigh
    """)
TIME = _words("""
    morning evening night nightfall midnight noon afternoon dawn daybreak dusk sunset sunrise
    twilight autumn winter summer
    """)
SMELL = _words("smell scent odour odor fragrance perfume aroma stench reek")
MOOD = _words("""
    gloomy dreary dismal bleak desolate melancholy sombre somber eerie ghostly silent quiet
    calm peaceful serene tranquil lonely solitary mournful oppressive sullen grim dreadful
    mysterious strange stagnant damp cold chill chilly warm hot sultry misty foggy cloudy stormy
    rainy wet frosty icy snowy dusty mouldering decayed decaying ruined ancient crumbling
    """)
OBJECT = _words("""
    table desk chair armchair sofa couch bench stool bed bedstead chest trunk box casket cabinet
    wardrobe cupboard shelf shelves bookcase mirror glass picture painting portrait frame clock
    drapery draperies cigar cigars cigarette pipe notepaper parchment manuscript wheel wheels
    watch lamp candlestick chandelier vase jug bottle cup goblet glass plate dish bowl basket
    carpet rug curtain curtains tapestry cushion pillow book volume letter envelope paper map
    key lock chain sword dagger knife pistol revolver gun rifle spear shield crown sceptre scepter
    ring jewel diamond pearl ruby emerald coin purse bag satchel umbrella stick cane whip carriage
    cart wagon coach boat ship barque violin guitar piano harp instrument statue bust ornament
    trinket locket medallion bracelet fan crucifix icon samovar kettle teapot tray furniture
    """)
MATERIAL = _words("""
    wooden golden gold silver silvery iron brass bronze copper steel tin leaden glass crystal
    velvet silken silk satin woollen woolen linen cotton leather marble stone oak oaken ebony
    ivory porcelain china mahogany walnut carved gilt gilded polished rusty embroidered
    """)
ACTION = _words("""
    run rush dash dart race sprint gallop charge leap jump spring bound plunge dive fall
    tumble stumble stagger struggle fight battle strike hit beat smash crash burst break shatter
    seize grab snatch clutch grapple wrestle throw hurl fling toss shoot fire kill stab slash cut
    chase pursue flee escape hurry scramble climb clamber swing whirl spin hurtle fly swoop
    crawl drag tear rip kick punch slap shove thrust collapse explode attack
    """)
COLOUR = _words("""
    red crimson scarlet vermilion ruby pink rose rosy orange yellow golden amber green emerald
    blue azure sapphire violet purple lilac brown tawny black jet ebony white snowy milky ivory
    grey gray silver silvery ashen pale dark dun russet copper bronze blond blonde auburn
    chestnut raven sable
    """)
SPEECH = _words("""
    say reply answer ask exclaim remark observe retort repeat add continue cry shout whisper
    mutter murmur explain declare inquire enquire respond tell
    """)
FEELING = _words("""
    feeling feelings emotion emotions sensation sentiment soul spirit fancy fancies imagination
    impression fear terror dread joy delight anxiety impatience desire
    """)
NEGATION = _words("not no never nothing none nor neither")
MIND = _words("""
    think thought know knew believe suppose imagine understand realise realize remember recall
    consider reason wonder doubt hope wish idea opinion notion fact matter case question theory
    mind purpose conclusion deduction argument
    """)
ADJECTIVES = (
    LOOK
    | MOOD
    | MATERIAL
    | COLOUR
    | _words("""
    great large small little huge vast enormous immense tiny narrow wide broad deep high low long
    old new young ancient heavy light soft hard rough smooth thick thin round square flat steep
    bare empty full rich poor fine dirty clean wild strange queer curious odd vague faint
    splendid magnificent grand gorgeous shabby worn ragged tattered neat trim massive lofty
    """)
)
# Suffixes that mark adjectives often enough to count toward vividness.
ADJ_SUFFIXES = ("ous", "ful", "less", "ive", "ish", "able", "ible", "esque", "ic")
IRREGULAR = {
    "ran": "run", "stood": "stand", "lay": "lie", "lain": "lie", "rose": "rise", "risen": "rise",
    "fell": "fall", "fallen": "fall", "struck": "strike", "threw": "throw", "thrown": "throw",
    "fought": "fight", "flew": "fly", "flown": "fly", "shone": "shine", "wore": "wear",
    "worn": "wear", "sprang": "spring", "sprung": "spring", "caught": "catch", "drew": "draw",
    "broke": "break", "broken": "break", "tore": "tear", "torn": "tear", "shook": "shake",
    "rode": "ride", "swung": "swing", "flung": "fling", "hung": "hang", "sank": "sink",
    "shot": "shoot", "slid": "slide", "leapt": "leap", "fled": "flee", "held": "hold",
    "said": "say", "told": "tell", "knew": "know", "known": "know", "felt": "feel", "saw": "see",
    "seen": "see", "heard": "hear", "grew": "grow", "sat": "sit", "lit": "light", "blew": "blow",
    "froze": "freeze", "rang": "ring", "sang": "sing", "hid": "hide", "drove": "drive",
    "clung": "cling", "crept": "creep", "knelt": "kneel", "wept": "weep", "beaten": "beat",
    "spoke": "speak", "men": "man", "women": "woman", "children": "child", "teeth": "tooth",
    "feet": "foot", "leaves": "leaf", "wolves": "wolf", "thoughts": "thought", "cried": "cry",
}  # fmt: skip
