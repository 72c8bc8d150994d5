"""The concepts the crisis screen's model reads beside the words: small hand-written word lists.

`bot.evals.screen_train` writes them into the weights file, so the running model needs nothing
but that file (`bot.core.safety.model.word_grams` turns them into features). They let what the
model learns from one word carry to its neighbours on the list: trained on "tablets", it knows
something about "codeine"; trained on "scared to go home", something about "terrified to go back".
The lists follow the screening tools' questions (C-SSRS: wish to be dead, thoughts, method,
intent, plan, preparation; the Danger Assessment and DASH: fear, control, stalking, threats,
weapons, strangulation, escalation, children and pets). A word stands for one concept only; the
words are as the model reads them (lower case, apostrophes dropped: "wont", "im").
"""

from __future__ import annotations

LISTS: dict[str, str] = {
    "die": "die dies dying dead death died deceased",
    "funeral": "funeral coffin grave graves buried bury burial hymns hymn eulogy headstone ashes",
    "alive": "alive exist existing existence living breathing",
    "gone": "gone disappear disappeared vanish vanished away",
    "end": "end ending ended over stop stopped finish finished done",
    "final": "goodbye goodbyes bye farewell last forever permanently permanent anymore final",
    "soon": (
        "tonight tomorrow today soon weekend monday tuesday wednesday thursday friday saturday "
        "sunday morning night week date"
    ),
    "pills": (
        "pills pill tablets tablet meds medication medicine paracetamol codeine sertraline "
        "insulin painkillers prescription dose doses overdose antidepressants sleeping "
        "ibuprofen aspirin tramadol diazepam"
    ),
    "height": (
        "bridge bridges cliff cliffs roof rooftop ledge balcony platform tracks railway train "
        "trains motorway quay pier edge drop tallest highest heights jump jumped jumping"
    ),
    "means": (
        "rope noose ligature hose exhaust garage razor blades belt cord cable river sea canal "
        "reservoir drown drowning lake"
    ),
    "plan": (
        "plan plans planned planning arranged sorted worked timed ready decided decision "
        "organised practised rehearsed chosen picked"
    ),
    "prepare": (
        "letters letter note notes cards will insurance passwords rehomed rehome rehoming gave "
        "giving sealed labelled owe paid cancelled affairs"
    ),
    "burden": "burden weight better without kindness relief easier happier problem",
    "fear": (
        "scared afraid frightened terrified petrified fear dread dare panic shaking trembling "
        "hide hiding hid locked flinch nervous"
    ),
    "home": "home house flat inside bathroom bedroom",
    "kids": "kids children son daughter baby boy girl toddler child kid sons daughters",
    "pet": "dog cat puppy kitten rabbit hamster horse pet pets",
    "hurt": (
        "hit hits hitting hurt hurts hurting punch punched punches slap slapped slaps kick "
        "kicked kicks shove shoved push pushed pushes grab grabbed grabs beat beating beaten "
        "harm attacked attack smack smacked thumped shook throttled choked choke choking "
        "strangled strangle squeezed pinned twisted dragged threw thrown wrenched bent"
    ),
    "body": (
        "neck throat face eye eyes arm arms wrist wrists ribs rib head jaw lip lips chest "
        "stomach hair ear ears nose leg legs shoulder skin thighs fingers"
    ),
    "injury": (
        "bruise bruises bruised bruising marks mark cuts bleeding blood bled swollen broken "
        "fractured stitches sling cast black split scar scars sore purple"
    ),
    "weapon": (
        "knife knives gun guns blade hammer bat axe machete crowbar scissors shotgun rifle "
        "pistol weapon screwdriver crossbow"
    ),
    "watch": (
        "watching watched watches following followed follows tracking tracked tracker "
        "location knew knows outside appears appeared turned showed waiting parked photos "
        "photographing mirror behind"
    ),
    "contact": (
        "rang ringing rings called calling calls texted texting texts messages messaged "
        "numbers number blocked withheld"
    ),
    "control": (
        "allowed permission let lets ask asks check checks reads account wages money cash card "
        "allowance passport keys friends decides forbidden"
    ),
    "sex": "sex bed touched touch naked nude consent asleep forced takes undressed",
    "threat": "threat threats threatened threatens warned warning else regret sorry pay lesson",
    "more": "worse more often every now bigger harder further again used escalating since",
    "self": "myself",
    "cut": "cut cutting burn burning burnt scratch scratching punish punishing",
}

CONCEPTS: dict[str, str] = {word: name for name, words in LISTS.items() for word in words.split()}
"""Word -> the concept it stands for."""
