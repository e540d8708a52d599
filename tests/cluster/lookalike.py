"""A small hand-written corpus of look-alike events for the entity tests: two earthquakes (Turkey, Peru) and
two workplace shootings (two firms in two cities), each written up by three outlets in their own words, with
no timestamps. The two events of a kind share nearly all of their vocabulary; names, places and numbers
tell them apart. ``LABELS`` gives each article's event."""

from __future__ import annotations

QUAKE_IZMIR = [
    (
        "Strong earthquake kills 41 near Izmir",
        "IZMIR, Turkey - A magnitude 7.1 earthquake struck near Izmir on Monday, killing at least 41 people "
        "and injuring more than 300, officials said. Rescue teams searched the rubble of collapsed buildings "
        "through the night. Mehmet Arslan, head of the Turkish disaster agency, said aftershocks were "
        "expected. Thousands of residents of Izmir slept outdoors.",
    ),
    (
        "Turkey quake: death toll rises to 41",
        "At least 41 people died when a 7.1-magnitude earthquake hit the Aegean coast of Turkey near Izmir. "
        "More than 300 were hurt. Rescuers worked through the rubble as aftershocks shook the region. "
        '"We are reaching every district," Mehmet Arslan of the disaster agency told reporters in Izmir.',
    ),
    (
        "Deadly earthquake hits western Turkey",
        "The earthquake, measured at magnitude 7.1, collapsed buildings across Izmir and killed 41 people, "
        "according to Mehmet Arslan, who leads the national disaster agency. Over 300 people were injured. "
        "Families waited beside the rubble as rescue teams worked and aftershocks continued in Turkey.",
    ),
]

QUAKE_AREQUIPA = [
    (
        "Strong earthquake kills 17 near Arequipa",
        "AREQUIPA, Peru - A magnitude 6.4 earthquake struck near Arequipa on Thursday, killing at least 17 "
        "people and injuring more than 120, officials said. Rescue teams searched the rubble of collapsed "
        "buildings through the night. Lucia Quispe, head of the Peruvian civil defence, said aftershocks "
        "were expected. Thousands of residents of Arequipa slept outdoors.",
    ),
    (
        "Peru quake: death toll rises to 17",
        "At least 17 people died when a 6.4-magnitude earthquake hit southern Peru near Arequipa. More than "
        '120 were hurt. Rescuers worked through the rubble as aftershocks shook the region. "We are '
        'reaching every district," Lucia Quispe of the civil defence told reporters in Arequipa.',
    ),
    (
        "Deadly earthquake hits southern Peru",
        "The earthquake, measured at magnitude 6.4, collapsed buildings across Arequipa and killed 17 "
        "people, according to Lucia Quispe, who leads the national civil defence. Over 120 people were "
        "injured. Families waited beside the rubble as rescue teams worked and aftershocks continued in Peru.",
    ),
]

SHOOTING_HALVORSEN = [
    (
        "Gunman kills 5 at Halvorsen Logistics offices in Leeds",
        "A gunman opened fire at the offices of Halvorsen Logistics in Leeds, killing five employees. "
        "Police named the suspect as Gareth Pryce, a former worker who had been dismissed in March. Chief "
        "Constable Anne Whitby said officers arrived within minutes. Witnesses heard several shots before "
        "staff fled the building.",
    ),
    (
        "Five dead in Leeds workplace shooting",
        "Five people were shot dead at the Leeds headquarters of Halvorsen Logistics. Gareth Pryce, who "
        'used to work for the firm, was arrested at the scene. "This is a dark day," said Anne Whitby, '
        "the chief constable. Staff fled the building as shots rang out, witnesses said.",
    ),
    (
        "Shooting at Halvorsen Logistics leaves five dead",
        "Police say five people died when a former employee opened fire inside the Halvorsen Logistics "
        "building in Leeds. The suspect, Gareth Pryce, was taken into custody. Anne Whitby, who leads the "
        "local police, said the motive was unclear. Witnesses described several shots.",
    ),
]

SHOOTING_CASTELLAN = [
    (
        "Gunman kills 3 at Castellan Motors offices in Dayton",
        "A gunman opened fire at the offices of Castellan Motors in Dayton, killing three employees. "
        "Police named the suspect as Travis Boone, a former worker who had been dismissed in October. "
        "Police Chief Rosa Delgado said officers arrived within minutes. Witnesses heard several shots "
        "before staff fled the building.",
    ),
    (
        "Three dead in Dayton workplace shooting",
        "Three people were shot dead at the Dayton headquarters of Castellan Motors. Travis Boone, who used "
        'to work for the firm, was arrested at the scene. "This is a dark day," said Rosa Delgado, the '
        "police chief. Staff fled the building as shots rang out, witnesses said.",
    ),
    (
        "Shooting at Castellan Motors leaves three dead",
        "Police say three people died when a former employee opened fire inside the Castellan Motors "
        "building in Dayton. The suspect, Travis Boone, was taken into custody. Rosa Delgado, who leads "
        "the local police, said the motive was unclear. Witnesses described several shots.",
    ),
]

EVENTS = {
    "quake-izmir": QUAKE_IZMIR,
    "quake-arequipa": QUAKE_AREQUIPA,
    "shooting-leeds": SHOOTING_HALVORSEN,
    "shooting-dayton": SHOOTING_CASTELLAN,
}
#: (event, title, body) of every article, event by event.
ARTICLES = [(event, title, body) for event, docs in EVENTS.items() for title, body in docs]
LABELS = [event for event, _, _ in ARTICLES]
