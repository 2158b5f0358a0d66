"""Polish patient text of the shipped exercise library (issue 18).

Keyed by the exercise's slug in ``library_data``; one entry per shipped
exercise with its name, the steps (as many as the English, in the same order),
what to feel and when to stop. Informal address with the capitalised "Ty"
forms, as the portal's Polish catalogue (locale/pl). Written for this project
(CC BY 4.0, as the English); like the English it needs a clinician's sign-off
before release. ``exercises.content`` picks it for a Polish-speaking patient
and falls back to English where an entry is missing or out of step.
"""

from __future__ import annotations

from typing import Any

STOP_GENERAL = (
    "Przerwij i skontaktuj się ze swoim fizjoterapeutą, jeśli ból jest ostry, powoduje "
    "utykanie albo jest silniejszy następnego ranka, lub jeśli poczujesz drętwienie, "
    "mrowienie albo osłabienie, których wcześniej nie było."
)
STOP_NEURAL = (
    "Przerwij, jeśli mrowienie lub ból schodzi dalej w dół nogi albo utrzymuje się po "
    "zakończeniu ćwiczenia, lub jeśli zauważysz nowe drętwienie, osłabienie, jakąkolwiek "
    "zmianę w kontrolowaniu pęcherza lub jelit albo drętwienie w kroczu (między nogami): "
    "w tym ostatnim przypadku natychmiast jedź na SOR."
)
STOP_PAD = (
    "Przerwij i zadzwoń pod 999 (albo lokalny numer alarmowy, w Polsce 112), jeśli czujesz "
    "ból w klatce piersiowej, masz silną duszność albo robi Ci się słabo. Przerwij i "
    "skontaktuj się z przychodnią, jeśli stopa stanie się zimna, blada lub zdrętwiała albo "
    "jeśli stopa boli Cię w spoczynku lub w nocy."
)
STOP_TENDON = (
    "Przerwij i skontaktuj się ze swoim fizjoterapeutą, jeśli ból staje się znaczny, "
    "powoduje utykanie albo następnego ranka jest wyraźnie silniejszy."
)


def _pl(name: str, steps: list[str], feel: str, stop: str = STOP_GENERAL) -> dict[str, Any]:
    return {"name": name, "steps": steps, "feel": feel, "stop": stop}


EXERCISES_PL: dict[str, dict[str, Any]] = {
    # ------------------------------------------------------------------ PAD
    "walking-intervals-claudication": _pl(
        "Marsz z przerwami przy chromaniu przestankowym",
        [
            "Najpierw zrób rozgrzewkę (to osobne ćwiczenie w Twoim planie).",
            "Idź szybkim krokiem, aż ból nogi będzie umiarkowany lub silny: chcesz już "
            "przystanąć, ale możesz zrobić jeszcze kilka kroków.",
            "Zatrzymaj się i postój albo usiądź, aż ból całkiem minie.",
            "Ruszaj dalej w tym samym tempie.",
            "Powtarzaj marsz i odpoczynek, aż przejdziesz czas zapisany w Twoim planie "
            "(czas odpoczynku się nie liczy).",
            "Na koniec zrób schłodzenie (to też osobne ćwiczenie w Twoim planie).",
        ],
        "Kurczowy ból łydki, uda lub pośladka, który narasta podczas marszu i mija po kilku "
        "minutach odpoczynku. To normalne i właśnie tak działa to ćwiczenie.",
        STOP_PAD,
    ),
    "treadmill-intermittent-walking": _pl(
        "Marsz z przerwami na bieżni (pod nadzorem)",
        [
            "Stań na bieżni, lekko trzymając się poręczy, i zacznij od prędkości, którą ustawi "
            "Twój fizjoterapeuta.",
            "Idź, aż ból nogi będzie umiarkowany lub silny.",
            "Zatrzymaj taśmę, stań na bocznych listwach i odpoczywaj, aż ból minie.",
            "Ruszaj znowu z tą samą prędkością i tym samym nachyleniem.",
            "Powtarzaj, aż przejdziesz czas marszu zapisany w Twoim planie.",
        ],
        "Narastający ból łydki, który słabnie w czasie odpoczynku.",
        STOP_PAD,
    ),
    "stationary-cycling": _pl(
        "Jazda na rowerze stacjonarnym",
        [
            "Ustaw siodełko tak, aby kolano było lekko zgięte, gdy pedał jest na samym dole.",
            "Przez 3 minuty pedałuj lekko, żeby się rozgrzać.",
            "Zwiększ opór, aż wysiłek będzie umiarkowany: możesz mówić, ale nie śpiewać.",
            "Jedź przez czas zapisany w Twoim planie.",
            "Na koniec przez 3 minuty pedałuj lekko.",
        ],
        "Ciepłe, pracujące mięśnie ud i łydek oraz szybszy oddech.",
    ),
    "arm-ergometry": _pl(
        "Ręczny cykloergometr (kręcenie rękami)",
        [
            "Usiądź prosto, stopy płasko na podłodze, uchwyty na wysokości barków.",
            "Przez 2 minuty kręć powoli, żeby się rozgrzać.",
            "Zwiększ wysiłek do umiarkowanego na czas zapisany w Twoim planie.",
            "Przez ostatnie 2 minuty zwolnij.",
        ],
        "Pracujące barki i ręce oraz szybszy oddech.",
        STOP_PAD,
    ),
    "pain-free-walking": _pl(
        "Marsz bez bólu",
        [
            "Idź w wygodnym tempie po płaskiej trasie.",
            "Zwolnij albo zatrzymaj się, zanim zacznie boleć noga.",
            "Jeśli trzeba, odpocznij, a potem idź dalej.",
            "Maszeruj przez czas zapisany w Twoim planie.",
        ],
        "Lekki wysiłek, bez dyskomfortu w nogach albo tylko z niewielkim.",
        STOP_PAD,
    ),
    "warm-up-marching": _pl(
        "Rozgrzewka: marsz w miejscu",
        [
            "Stań prosto obok krzesła lub ściany, żeby móc się przytrzymać.",
            "Maszeruj w miejscu, unosząc kolana na wygodną wysokość.",
            "Swobodnie poruszaj rękami.",
            "Maszeruj przez czas zapisany w Twoim planie.",
        ],
        "Nogi się rozgrzewają, a oddech trochę przyspiesza.",
    ),
    "cool-down-walk": _pl(
        "Schłodzenie: powolny marsz",
        [
            "Po głównym ćwiczeniu idź powoli po płaskim terenie.",
            "Pozwól, żeby oddech się uspokoił.",
            "Na koniec zrób rozciąganie łydki, jeśli jest w Twoim planie.",
        ],
        "Oddech i tętno wracają do normy.",
    ),
    # ------------------------------------------------------------ calf and Achilles
    "calf-raise-double": _pl(
        "Wspięcia na palce obunóż",
        [
            "Stań ze stopami na szerokość bioder, lekko trzymając się ściany lub krzesła.",
            "W ciągu 2 sekund wespnij się na palce najwyżej, jak potrafisz.",
            "Zatrzymaj się na górze na 1 sekundę.",
            "W ciągu 3 sekund powoli opuść pięty na podłogę.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Praca obu łydek; pod koniec każdej serii mogą być zmęczone.",
    ),
    "calf-raise-single": _pl(
        "Wspięcia na palce na jednej nodze",
        [
            "Stań na nodze wskazanej w Twoim planie, trzymając się ściany lub krzesła.",
            "Wespnij się na palce najwyżej, jak potrafisz.",
            "Opuszczaj się powoli przez 3 sekundy.",
            "Powtórz tyle razy, ile podano w Twoim planie, potem zmień nogę, jeśli plan "
            "wymienia obie.",
        ],
        "Mocna praca łydki nogi, na której stoisz.",
    ),
    "seated-calf-raise": _pl(
        "Wspięcia na palce w siadzie (mięsień płaszczkowaty)",
        [
            "Usiądź na krześle, stopy płasko, kolana zgięte pod kątem prostym.",
            "Połóż na kolanach ciężarek lub torbę, jeśli tak mówi Twój plan.",
            "Unieś pięty najwyżej, jak potrafisz.",
            "Powoli je opuść.",
        ],
        "Praca głęboko w łydce, pod głównym mięśniem łydki.",
    ),
    "eccentric-heel-drop-straight-knee": _pl(
        "Ekscentryczne opuszczanie pięty, kolano proste",
        [
            "Stań przodostopiem bolącej stopy na krawędzi stopnia, trzymając się poręczy.",
            "Zdrową nogą wespnij się na palce.",
            "Zdejmij zdrową stopę ze stopnia.",
            "Z prostym kolanem bolącej nogi powoli, przez 3 sekundy, opuść piętę poniżej stopnia.",
            "Postaw z powrotem zdrową stopę i nią wespnij się znowu w górę: bolącą nogą "
            "tylko opuszczasz.",
            "Zrób wszystkie powtórzenia z Twojego planu, potem odpocznij minutę między seriami.",
        ],
        "Rozciąganie i ból ścięgna Achillesa i łydki. Pewna bolesność jest spodziewana, "
        "zwłaszcza w pierwszych dwóch tygodniach.",
        STOP_TENDON,
    ),
    "eccentric-heel-drop-bent-knee": _pl(
        "Ekscentryczne opuszczanie pięty, kolano zgięte",
        [
            "Stań przodostopiem bolącej stopy na krawędzi stopnia, trzymając się poręczy.",
            "Zdrową nogą wespnij się na palce.",
            "Lekko zegnij kolano bolącej nogi i utrzymaj je zgięte.",
            "Powoli, przez 3 sekundy, opuść piętę poniżej stopnia.",
            "Zdrową nogą wróć na górę.",
            "Zrób wszystkie powtórzenia z Twojego planu, potem odpocznij minutę między seriami.",
        ],
        "Ból nisko w łydce i w ścięgnie Achillesa. Bolesność w pierwszych dwóch tygodniach "
        "jest spodziewana.",
        STOP_TENDON,
    ),
    "isometric-calf-hold": _pl(
        "Utrzymanie wspięcia na palce",
        [
            "Stań, trzymając się ściany lub krzesła.",
            "Wespnij się obiema stopami do połowy wysokości na palce.",
            "Utrzymaj tę pozycję bez ruchu przez czas zapisany w Twoim planie.",
            "Powoli się opuść i odpocznij minutę przed kolejnym utrzymaniem.",
        ],
        "Stały wysiłek łydki; ból ścięgna często słabnie w trakcie utrzymania lub po nim.",
    ),
    "calf-stretch-wall": _pl(
        "Rozciąganie łydki przy ścianie (kolano proste)",
        [
            "Stań twarzą do ściany i oprzyj o nią dłonie.",
            "Cofnij rozciąganą nogę: pięta na podłodze, kolano proste, palce skierowane do przodu.",
            "Zegnij przednie kolano i pochyl się do ściany, aż poczujesz rozciąganie w łydce "
            "tylnej nogi.",
            "Utrzymaj przez czas zapisany w Twoim planie, oddychając normalnie.",
            "Rozluźnij się i powtórz.",
        ],
        "Przyjemne rozciąganie w górnej części łydki. Nie powinno boleć.",
    ),
    "soleus-stretch-wall": _pl(
        "Rozciąganie mięśnia płaszczkowatego przy ścianie (kolano zgięte)",
        [
            "Stań twarzą do ściany i oprzyj o nią dłonie, jedna stopa mały krok za drugą.",
            "Obie pięty trzymaj na podłodze i zegnij oba kolana.",
            "Obniżaj się, aż poczujesz rozciąganie nisko w łydce tylnej nogi.",
            "Utrzymaj przez czas zapisany w Twoim planie i rozluźnij się.",
        ],
        "Rozciąganie nisko w łydce, blisko ścięgna Achillesa.",
    ),
    "ankle-pumps": _pl(
        "Pompa stawu skokowego",
        [
            "Usiądź lub połóż się z wyprostowanymi nogami.",
            "Przyciągnij palce i stopę do siebie tak daleko, jak jest wygodnie.",
            "Odegnij stopę od siebie.",
            "Utrzymuj równy rytm przez liczbę powtórzeń z Twojego planu.",
        ],
        "Delikatny ruch i lekkie rozciąganie z przodu i z tyłu stawu skokowego.",
    ),
    # ------------------------------------------------------------ foot and heel
    "plantar-fascia-specific-stretch": _pl(
        "Rozciąganie rozcięgna podeszwowego",
        [
            "Usiądź i załóż bolącą stopę na kolano drugiej nogi.",
            "Chwyć palce i odciągnij je w stronę goleni, aż poczujesz rozciąganie w łuku stopy.",
            "Drugą ręką wyczuj pasmo pod łukiem stopy: powinno być napięte.",
            "Utrzymaj 10 sekund, potem rozluźnij.",
            "Zrób to 10 razy.",
            "Pierwszą serię zrób rano, zanim zrobisz pierwszy krok, i zanim wstaniesz po "
            "dłuższym siedzeniu.",
        ],
        "Wyraźne rozciąganie wzdłuż podeszwy i łuku stopy. Pierwsze kroki potem powinny być "
        "łatwiejsze.",
    ),
    "towel-toe-curls": _pl(
        "Zgarnianie ręcznika palcami",
        [
            "Usiądź, stopa płasko na ręczniku leżącym na gładkiej podłodze.",
            "Nie ruszając piętą, zgarniaj ręcznik palcami do siebie.",
            "Rozłóż ręcznik z powrotem i powtórz.",
        ],
        "Praca małych mięśni podeszwy i łuku stopy.",
    ),
    "short-foot": _pl(
        "Krótka stopa (unoszenie łuku)",
        [
            "Usiądź ze stopą płasko na podłodze.",
            "Nie zginając palców, przyciągnij przodostopie w stronę pięty, tak żeby łuk stopy "
            "się uniósł.",
            "Utrzymaj 5 sekund, potem rozluźnij.",
            "Gdy w siadzie będzie to łatwe, ćwicz na stojąco.",
        ],
        "Łuk stopy się unosi, a pod stopą czujesz lekki wysiłek.",
    ),
    "foot-roll-ball": _pl(
        "Rolowanie podeszwy na piłce",
        [
            "Usiądź i połóż piłkę pod bolącą stopą.",
            "Tocz ją powoli od pięty do przodostopia i z powrotem.",
            "Naciskaj tylko tak mocno, jak jest Ci wygodnie.",
        ],
        "Ucisk i ulga w łuku stopy.",
    ),
    "heel-raise-towel-under-toes": _pl(
        "Wspięcia na palce z ręcznikiem pod palcami",
        [
            "Stań na bolącej nodze ze zwiniętym ręcznikiem pod palcami, tak żeby były "
            "zadarte w górę.",
            "Trzymaj się ściany, żeby utrzymać równowagę.",
            "Wspinaj się na palce przez 3 sekundy, zatrzymaj się na 2 sekundy i opuszczaj "
            "przez 3 sekundy.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Mocne rozciąganie i wysiłek w łuku stopy i w łydce.",
    ),
    # ------------------------------------------------------------ knee and thigh
    "quadriceps-sets": _pl(
        "Napinanie mięśnia czworogłowego uda",
        [
            "Połóż się lub usiądź z wyprostowaną nogą i małym zwiniętym ręcznikiem pod kolanem.",
            "Napnij mięsień z przodu uda i dociśnij tył kolana do ręcznika.",
            "Utrzymaj przez 6 do 7 sekund.",
            "Rozluźnij na 2 do 3 sekund.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Rzepka lekko przesuwa się w górę, a przód uda twardnieje.",
    ),
    "short-arc-quads": _pl(
        "Prostowanie kolana na wałku (krótki łuk)",
        [
            "Połóż się na plecach z poduszką lub zwiniętym ręcznikiem pod kolanem, tak żeby "
            "było lekko zgięte.",
            "Trzymając tył kolana na poduszce, wyprostuj kolano, unosząc piętę.",
            "Utrzymaj wyprostowane kolano przez 6 do 7 sekund.",
            "Powoli opuść i odpocznij 2 do 3 sekund.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Praca z przodu uda, zwłaszcza tuż nad kolanem.",
    ),
    "long-arc-quads": _pl(
        "Prostowanie kolana w siadzie (długi łuk)",
        [
            "Usiądź prosto na krześle ze stopami na podłodze.",
            "Wyprostuj całkowicie jedno kolano, tak żeby noga była wysunięta przed siebie.",
            "Utrzymaj 6 do 7 sekund z napiętym udem.",
            "Powoli opuść i odpocznij 2 do 3 sekund.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Praca wzdłuż przedniej części uda.",
    ),
    "mini-squat-30": _pl(
        "Płytkie przysiady do 30 stopni",
        [
            "Stań ze stopami na szerokość bioder, trzymając się krzesła lub blatu.",
            "Lekko zegnij kolana, jak na początku siadania, nie głębiej niż na jedną czwartą.",
            "Kolana trzymaj nad palcami stóp, a ciężar ciała na piętach.",
            "Wróć do stania i odpocznij 2 do 3 sekund.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Praca z przodu ud i w pośladkach.",
    ),
    "straight-leg-raise": _pl(
        "Unoszenie prostej nogi",
        [
            "Połóż się na plecach, drugie kolano zgięte, stopa tej nogi płasko na podłodze.",
            "Napnij udo prostej nogi, tak żeby kolano było zablokowane.",
            "Unieś prostą nogę do wysokości drugiego kolana.",
            "Utrzymaj 2 sekundy i powoli opuść.",
        ],
        "Praca z przodu uda i w biodrze.",
    ),
    "step-up": _pl(
        "Wchodzenie na stopień",
        [
            "Stań przodem do stopnia; jeśli potrzebujesz, trzymaj się poręczy.",
            "Postaw całą stopę ćwiczonej nogi na stopniu.",
            "Odepchnij się przez piętę tej nogi i wejdź, aż noga się wyprostuje.",
            "Zejdź powoli, zaczynając od drugiej nogi.",
            "Zrób wszystkie powtórzenia jedną nogą, potem zmień nogę, jeśli plan wymienia obie.",
        ],
        "Praca uda i pośladka nogi stojącej na stopniu.",
    ),
    "step-down": _pl(
        "Schodzenie ze stopnia w przód",
        [
            "Stań ćwiczoną nogą na stopniu, trzymając się poręczy.",
            "Powoli zginaj kolano tej nogi, opuszczając piętę drugiej nogi w stronę podłogi "
            "przed stopniem.",
            "Dotknij lekko podłogi piętą, nie przenosząc na nią ciężaru.",
            "Wyprostuj się z powrotem.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Mocna praca z przodu uda i w pośladku nogi, na której stoisz.",
    ),
    "lateral-step-down": _pl(
        "Schodzenie ze stopnia w bok",
        [
            "Stań bokiem na stopniu na ćwiczonej nodze.",
            "Drugą stopę trzymaj swobodnie w powietrzu obok stopnia.",
            "Zginaj kolano nogi stojącej, opuszczając wolną piętę w stronę podłogi.",
            "Dotknij lekko podłogi i wyprostuj się z powrotem.",
        ],
        "Praca uda i boku biodra nogi, na której stoisz.",
    ),
    "wall-sit": _pl(
        "Siad przy ścianie",
        [
            "Stań plecami do ściany, stopy krok od niej.",
            "Zsuń się w dół, aż kolana będą zgięte pod wygodnym kątem (nie więcej niż kąt prosty).",
            "Utrzymaj przez czas zapisany w Twoim planie.",
            "Wysuń się z powrotem w górę i odpocznij.",
        ],
        "Narastający wysiłek z przodu ud.",
    ),
    "sit-to-stand": _pl(
        "Wstawanie z krzesła",
        [
            "Usiądź na przedniej części stabilnego krzesła, stopy na szerokość bioder.",
            "Pochyl się do przodu i wstań, jeśli możesz, bez pomocy rąk.",
            "Wyprostuj się, a potem powoli usiądź.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Praca ud i pośladków.",
    ),
    "leg-press": _pl(
        "Wyciskanie nogami na maszynie (siłownia)",
        [
            "Usiądź na maszynie, stopy na platformie na szerokość bioder.",
            "Ustaw ciężar, który wypchniesz 10 razy z dobrą kontrolą.",
            "Wypychaj platformę, aż nogi będą prawie proste, bez blokowania kolan.",
            "Wracaj powoli, zginając kolana nie bardziej, niż mówi Twój plan.",
        ],
        "Praca ud i pośladków; ostatnie powtórzenia powinny być ciężkie.",
    ),
    "split-squat": _pl(
        "Przysiad w wykroku",
        [
            "Stań z jedną stopą długi krok przed drugą.",
            "Opuszczaj tylne kolano w stronę podłogi, trzymając tułów prosto.",
            "Zejdź tak nisko, jak jest wygodnie, potem wróć w górę, odpychając się przez "
            "piętę przedniej nogi.",
            "Zrób wszystkie powtórzenia, potem zmień nogi.",
        ],
        "Praca uda i pośladka przedniej nogi.",
    ),
    "terminal-knee-extension-band": _pl(
        "Końcowy wyprost kolana z taśmą",
        [
            "Załóż taśmę za ćwiczone kolano i stań przodem do miejsca, w którym jest przymocowana.",
            "Cofnij się, aż taśma się napnie, a kolano będzie lekko zgięte.",
            "Wyprostuj całkowicie kolano wbrew oporowi taśmy i napnij udo.",
            "Pozwól kolanu znów lekko się zgiąć, pod kontrolą.",
        ],
        "Praca z przodu uda tuż nad kolanem.",
    ),
    "heel-slides": _pl(
        "Przesuwanie pięty",
        [
            "Połóż się na plecach z wyprostowanymi nogami.",
            "Przesuwaj piętę ćwiczonej nogi w stronę pośladka, zginając kolano.",
            "Zegnij tak daleko, jak jest wygodnie, i utrzymaj 2 sekundy.",
            "Przesuń piętę z powrotem do wyprostu.",
        ],
        "Delikatne rozciąganie z przodu kolana przy końcu zgięcia.",
    ),
    # ------------------------------------------------------------ hip and buttock
    "clamshell": _pl(
        "Muszelka",
        [
            "Połóż się na boku z biodrami i kolanami zgiętymi, pięty razem.",
            "Pięty cały czas stykają się ze sobą, a biodra są ułożone jedno nad drugim.",
            "Unieś górne kolano tak wysoko, jak potrafisz, nie odchylając się do tyłu.",
            "Powoli je opuść.",
            "Zrób wszystkie powtórzenia, potem obróć się na drugi bok, jeśli plan wymienia "
            "obie strony.",
        ],
        "Praca z boku i z tyłu górnego biodra.",
    ),
    "side-lying-hip-abduction": _pl(
        "Odwodzenie nogi w leżeniu na boku",
        [
            "Połóż się na boku, dolne kolano zgięte, górna noga prosta.",
            "Skieruj palce górnej stopy lekko w dół, w stronę podłogi.",
            "Unieś górną nogę w górę i lekko do tyłu, trzymając ją prosto.",
            "Utrzymaj 1 sekundę i powoli opuść.",
        ],
        "Praca z boku górnego biodra i pośladka.",
    ),
    "glute-bridge": _pl(
        "Mostek biodrowy",
        [
            "Połóż się na plecach, kolana zgięte, stopy płasko na szerokość bioder.",
            "Napnij pośladki i unieś biodra, aż ciało utworzy prostą linię od barków do kolan.",
            "Utrzymaj 2 sekundy.",
            "Powoli opuść.",
        ],
        "Praca pośladków i tylnej części ud.",
    ),
    "single-leg-bridge": _pl(
        "Mostek biodrowy na jednej nodze",
        [
            "Połóż się na plecach, kolana zgięte, stopy płasko.",
            "Wyprostuj jedną nogę w linii z drugim udem.",
            "Odepchnij się piętą zgiętej nogi i unieś biodra, trzymając je na równym poziomie.",
            "Powoli opuść. Zrób wszystkie powtórzenia, potem zmień nogi.",
        ],
        "Mocna praca pośladka i tylnej części uda zgiętej nogi.",
    ),
    "standing-hip-abduction-band": _pl(
        "Odwodzenie nogi w staniu z taśmą",
        [
            "Stań prosto, trzymając się ściany, z taśmą założoną wokół obu kostek.",
            "Trzymaj tułów prosto i odprowadź jedną nogę w bok.",
            "Powoli wróć.",
            "Zrób wszystkie powtórzenia jedną nogą, potem zmień nogę.",
        ],
        "Praca z boku obu bioder.",
    ),
    "lateral-band-walk": _pl(
        "Kroki w bok z taśmą",
        [
            "Załóż taśmę wokół nóg tuż nad kolanami.",
            "Stań ze stopami na szerokość bioder i lekko zgiętymi kolanami.",
            "Zrób 10 kroków w bok, utrzymując napiętą taśmę.",
            "Zrób 10 kroków z powrotem w drugą stronę.",
        ],
        "Piekąca praca z boku bioder.",
    ),
    "prone-hip-extension": _pl(
        "Unoszenie nogi w leżeniu na brzuchu",
        [
            "Połóż się na brzuchu z czołem opartym na dłoniach.",
            "Napnij pośladek i unieś jedną prostą nogę na szerokość dłoni nad podłogę.",
            "Utrzymaj 2 sekundy i opuść.",
            "Zrób wszystkie powtórzenia, potem zmień nogi.",
        ],
        "Praca pośladka.",
    ),
    "hip-flexor-stretch": _pl(
        "Rozciąganie zginaczy biodra w klęku",
        [
            "Uklęknij na jednym kolanie na poduszce, druga stopa płasko przed Tobą.",
            "Podwiń kość ogonową i napnij pośladek nogi, na której klęczysz.",
            "Przenieś ciężar ciała do przodu, aż poczujesz rozciąganie z przodu biodra.",
            "Utrzymaj przez czas zapisany w Twoim planie, potem zmień strony.",
        ],
        "Rozciąganie z przodu biodra i w górnej części uda.",
    ),
    # ------------------------------------------------------------ hamstrings
    "hamstring-stretch-supine": _pl(
        "Rozciąganie tylnej części uda w leżeniu z ręcznikiem",
        [
            "Połóż się na plecach i załóż ręcznik na stopę rozciąganej nogi.",
            "Trzymaj kolano prosto i unieś nogę za pomocą ręcznika.",
            "Zatrzymaj się, gdy poczujesz rozciąganie z tyłu uda.",
            "Utrzymaj przez czas zapisany w Twoim planie i opuść nogę.",
        ],
        "Przyjemne rozciąganie z tyłu uda.",
        "Przerwij, jeśli poczujesz mrowienie lub ból schodzący do łydki albo stopy (to nerw, "
        "a nie mięsień) albo ostry ból w miejscu urazu.",
    ),
    "hamstring-isometric-heel-dig": _pl(
        "Wbijanie pięty w podłoże (napięcie izometryczne tylnej części uda)",
        [
            "Połóż się na plecach ze zgiętym kolanem ćwiczonej nogi.",
            "Wbij piętę w podłogę i ciągnij ją do siebie, nie wykonując ruchu.",
            "Utrzymaj napięcie przez 10 sekund z taką siłą, żeby nie bolało.",
            "Rozluźnij i powtórz.",
        ],
        "Stały wysiłek z tyłu uda, bez bólu.",
    ),
    "hamstring-sliders": _pl(
        "Przesuwanie pięt w mostku",
        [
            "Połóż się na plecach, kolana zgięte, pięty na ręczniku na gładkiej podłodze.",
            "Unieś biodra do mostka.",
            "Powoli odsuwaj pięty, aż nogi będą prawie proste.",
            "Opuść biodra, przysuń pięty z powrotem i powtórz.",
        ],
        "Mocna praca tylnej części ud.",
    ),
    "nordic-hamstring-curl": _pl(
        "Ćwiczenie nordyckie (opad tułowia w przód z klęku)",
        [
            "Uklęknij na macie, z piętami przytrzymanymi przy podłodze.",
            "Trzymaj ciało prosto od kolan do głowy.",
            "Pochylaj się do przodu najwolniej, jak potrafisz, hamując ruch tylną częścią ud.",
            "Złap się rękami i odepchnij z powrotem w górę.",
        ],
        "Bardzo mocna praca tylnej części ud; na początku przez dzień lub dwa bolesność mięśni.",
    ),
    "single-leg-romanian-deadlift": _pl(
        "Martwy ciąg rumuński na jednej nodze",
        [
            "Stań na jednej nodze z lekko zgiętym kolanem.",
            "Pochyl się do przodu w biodrze, a drugą nogę prowadź do tyłu w linii z tułowiem.",
            "Opuszczaj się, aż poczujesz rozciąganie z tyłu uda nogi stojącej.",
            "Napnij pośladek, żeby wrócić do góry.",
        ],
        "Rozciąganie i praca z tyłu uda i w pośladku nogi, na której stoisz.",
    ),
    # ------------------------------------------------------------ back and nerve
    "sciatic-nerve-slider-seated": _pl(
        "Ślizg nerwu kulszowego (w siadzie)",
        [
            "Usiądź prosto na krześle z rękami założonymi za plecami.",
            "Wyprostuj kolano bolącej nogi i jednocześnie spójrz w górę, na sufit.",
            "Zegnij kolano z powrotem i jednocześnie przyciągnij brodę do klatki piersiowej.",
            "Poruszaj się płynnie, bez zatrzymywania, tyle razy, ile podano w Twoim planie.",
        ],
        "Możliwe lekkie ciągnięcie za kolanem lub w udzie, które mija, gdy tylko wrócisz. "
        "Nie powinno boleć.",
        STOP_NEURAL,
    ),
    "sciatic-nerve-slider-supine": _pl(
        "Ślizg nerwu kulszowego (w leżeniu)",
        [
            "Połóż się na plecach i chwyć od tyłu udo bolącej nogi, z biodrem zgiętym pod "
            "kątem prostym.",
            "Prostuj kolano, jednocześnie odginając stopę od siebie.",
            "Zginaj kolano, jednocześnie przyciągając stopę do siebie.",
            "Utrzymuj płynny rytm przez liczbę powtórzeń z Twojego planu.",
        ],
        "Delikatne uczucie ruchu za kolanem, które od razu mija.",
        STOP_NEURAL,
    ),
    "sciatic-nerve-tensioner-seated": _pl(
        "Napinanie nerwu kulszowego (w siadzie)",
        [
            "Usiądź prosto na krześle i przyciągnij brodę do klatki piersiowej.",
            "Wyprostuj kolano bolącej nogi i przyciągnij stopę do siebie, aż poczujesz lekkie "
            "ciągnięcie.",
            "Utrzymaj 1 do 2 sekund, potem zegnij kolano.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Lekkie ciągnięcie za kolanem lub w udzie, które mija kilka sekund po rozluźnieniu.",
        STOP_NEURAL,
    ),
    "knee-to-chest": _pl(
        "Przyciąganie kolana do klatki piersiowej",
        [
            "Połóż się na plecach ze zgiętymi kolanami.",
            "Przyciągnij jedno kolano do klatki piersiowej i przytrzymaj je obiema rękami.",
            "Utrzymaj 5 sekund i opuść.",
            "Zmień nogi albo przyciągaj oba kolana razem, jeśli tak mówi Twój plan.",
        ],
        "Delikatne rozciąganie w dolnej części pleców i w pośladku.",
        STOP_NEURAL,
    ),
    "prone-press-up": _pl(
        "Unoszenie tułowia na rękach w leżeniu na brzuchu",
        [
            "Połóż się na brzuchu z dłońmi pod barkami.",
            "Biodra trzymaj na podłodze i prostuj ręce, unosząc klatkę piersiową.",
            "Unoś się tylko tak wysoko, jak jest wygodnie, i powoli opuść.",
            "Powtórz tyle razy, ile podano w Twoim planie.",
        ],
        "Ucisk w dolnej części pleców; objawy w nodze mogą przesuwać się w górę, w stronę "
        "pleców, i to dobry znak.",
        STOP_NEURAL,
    ),
    "pelvic-tilt": _pl(
        "Ruchy miednicy (przodo- i tyłopochylenie)",
        [
            "Połóż się na plecach, kolana zgięte, stopy płasko.",
            "Dociśnij dolną część pleców do podłogi, odchylając miednicę do tyłu.",
            "Potem delikatnie lekko wygnij plecy w łuk.",
            "Kołysz się powoli między tymi dwiema pozycjami tyle razy, ile podano w Twoim planie.",
        ],
        "Delikatny ruch w dolnej części pleców.",
        STOP_NEURAL,
    ),
    "cat-camel": _pl(
        "Koci grzbiet",
        [
            "Uklęknij w podporze na dłoniach i kolanach, dłonie pod barkami.",
            "Wygnij plecy w górę, w stronę sufitu, swobodnie opuszczając głowę.",
            "Potem delikatnie ugnij plecy w dół i spójrz w górę.",
            "Przechodź powoli między tymi dwiema pozycjami.",
        ],
        "Ruch w całym kręgosłupie.",
        STOP_NEURAL,
    ),
    "bird-dog": _pl(
        "Bird dog (wyprost ręki i nogi w klęku podpartym)",
        [
            "Uklęknij w podporze na dłoniach i kolanach, plecy płasko.",
            "Wyciągnij jedną rękę do przodu, a przeciwną nogę do tyłu, aż obie będą w linii "
            "z tułowiem.",
            "Utrzymaj 5 sekund, nie pozwalając, żeby plecy się zapadły.",
            "Wróć i zmień strony.",
        ],
        "Praca pleców, pośladków i barków.",
        STOP_NEURAL,
    ),
    "walking-graded-activity": _pl(
        "Marsz: stopniowe zwiększanie aktywności",
        [
            "Maszeruj w wygodnym tempie przez czas zapisany w Twoim planie, niezależnie od "
            "tego, jak danego dnia zachowuje się ból.",
            "Jeśli trzeba, podziel marsz na krótsze spacery.",
            "Co tydzień dodawaj tyle, ile ustalono z Twoim fizjoterapeutą.",
        ],
        "Pewien dyskomfort w plecach lub nodze jest normalny i nie oznacza uszkodzenia; "
        "powinien minąć w ciągu kilku godzin.",
        STOP_NEURAL,
    ),
    # ------------------------------------------------------------ balance and ankle
    "single-leg-balance": _pl(
        "Stanie na jednej nodze",
        [
            "Stań przy blacie lub ścianie, żeby w razie potrzeby móc się przytrzymać.",
            "Unieś jedną stopę nad podłogę.",
            "Utrzymaj równowagę na drugiej nodze przez czas zapisany w Twoim planie, z "
            "kolanem lekko ugiętym.",
            "Zmień nogi.",
        ],
        "Drobne chwianie się i praca mięśni stawu skokowego i stopy.",
    ),
    "single-leg-balance-cushion": _pl(
        "Stanie na jednej nodze na poduszce",
        [
            "Stań na jednej nodze na twardej poduszce, obok ściany.",
            "Kolano lekko ugięte, sylwetka wyprostowana.",
            "Utrzymaj równowagę przez czas zapisany w Twoim planie.",
            "Żeby było trudniej, zamknij oczy albo powoli obracaj głowę.",
        ],
        "Wiele drobnych korekt w stawie skokowym.",
    ),
    "tandem-stance": _pl(
        "Stanie stopa za stopą",
        [
            "Stań przy blacie i postaw jedną stopę bezpośrednio przed drugą, pięta dotyka palców.",
            "Jeśli możesz, puść się i utrzymaj równowagę.",
            "Utrzymaj przez czas zapisany w Twoim planie, potem zamień stopy, tak żeby "
            "z przodu była druga.",
        ],
        "Łagodne ćwiczenie równowagi.",
    ),
    "star-excursion-reach": _pl(
        "Sięganie stopą w gwiazdę na jednej nodze",
        [
            "Stań na jednej nodze.",
            "Wysuń drugą stopę jak najdalej do przodu i lekko dotknij nią podłogi.",
            "Wróć do środka, potem sięgaj w bok i do tyłu.",
            "Kolano nogi stojącej trzymaj nad palcami stopy.",
        ],
        "Praca stawu skokowego, kolana i biodra nogi, na której stoisz.",
    ),
    "ankle-alphabet": _pl(
        "Alfabet stopą",
        [
            "Usiądź z wysuniętą nogą i stopą uniesioną nad podłogę.",
            "Dużym palcem jak długopisem pisz w powietrzu litery alfabetu.",
            "Poruszaj tylko w stawie skokowym.",
        ],
        "Delikatny ruch w stawie skokowym; po skręceniu pewna sztywność jest normalna.",
    ),
    "resisted-ankle-eversion-band": _pl(
        "Odwracanie stopy na zewnątrz z taśmą",
        [
            "Usiądź z wyprostowanymi nogami i załóż taśmę na zewnętrzną stronę stopy; drugi "
            "koniec zaczep o drugą stopę albo nogę stołu.",
            "Nie ruszając piętą, obracaj stopę na zewnątrz wbrew oporowi taśmy.",
            "Powoli wróć.",
        ],
        "Praca wzdłuż zewnętrznej strony podudzia.",
    ),
    "resisted-ankle-dorsiflexion-band": _pl(
        "Przyciąganie stopy do siebie z taśmą",
        [
            "Usiądź z wysuniętą nogą i załóż taśmę na grzbiet stopy, zaczepioną przed Tobą.",
            "Przyciągaj stopę do siebie wbrew oporowi taśmy.",
            "Powoli wróć.",
        ],
        "Praca z przodu goleni.",
    ),
    # ------------------------------------------------------------ return to running
    "hop-on-the-spot": _pl(
        "Podskoki w miejscu na jednej nodze",
        [
            "Stań na ćwiczonej nodze.",
            "Podskakuj lekko w miejscu, lądując miękko na przodostopiu.",
            "Zrób tyle podskoków, ile podano w Twoim planie, potem odpocznij.",
        ],
        "Sprężysta praca łydki i stopy.",
        "Przerwij, jeśli ból przekroczy 2 na 10 albo jeśli poczujesz ból w samej kości.",
    ),
    "jog-on-the-spot": _pl(
        "Trucht w miejscu",
        [
            "Stań prosto i lekko truchtaj w miejscu.",
            "Ląduj miękko na przodostopiu.",
            "Truchtaj przez czas zapisany w Twoim planie.",
        ],
        "Lekki wysiłek; bez bólu.",
        "Przerwij, jeśli poczujesz jakikolwiek ból w kości, która uległa urazowi.",
    ),
    "single-leg-squat": _pl(
        "Przysiad na jednej nodze",
        [
            "Stań na jednej nodze przed krzesłem.",
            "Zegnij kolano i cofnij biodra, jak przy siadaniu, tak nisko, jak potrafisz "
            "z kontrolą.",
            "Kolano trzymaj nad palcami stopy, a miednicę poziomo.",
            "Wróć w górę.",
        ],
        "Mocna praca uda i pośladka.",
    ),
    "brisk-walk": _pl(
        "Szybki marsz",
        [
            "Idź szybkim krokiem, jak wtedy, gdy się spieszysz, po płaskiej trasie.",
            "Maszeruj przez czas zapisany w Twoim planie.",
            "Zwracaj uwagę na każdy ból w kości, która uległa urazowi.",
        ],
        "Jest Ci ciepło i oddychasz trochę szybciej; kość nie boli.",
        "Przerwij i skontaktuj się ze swoim fizjoterapeutą, jeśli poczujesz ból w kości, która "
        "uległa urazowi.",
    ),
    "walk-run-intervals": _pl(
        "Marsz przeplatany biegiem",
        [
            "Przez 5 minut idź szybkim krokiem, żeby się rozgrzać.",
            "Biegnij swobodnie przez 1 minutę, potem idź przez 2 minuty.",
            "Powtarzaj przez czas zapisany w Twoim planie.",
            "Biegaj tylko w dni podane w Twoim planie, z dniem odpoczynku pomiędzy.",
            "Następnym razem dodaj bieganie tylko wtedy, gdy dziś i następnego dnia nic nie "
            "bolało.",
        ],
        "Normalny wysiłek; kość, która uległa urazowi, nie boli.",
        "Przestań biec, jeśli poczujesz ból w kości, która uległa urazowi; jeśli bolesność utrzymuje się "
        "dłużej niż 24 godziny, wróć do poprzedniego etapu.",
    ),
    "shin-tibialis-raise": _pl(
        "Unoszenie palców stóp przy ścianie",
        [
            "Stań plecami do ściany, pięty na długość stopy od niej.",
            "Unieś palce i przednią część stóp najwyżej, jak potrafisz.",
            "Powoli opuść.",
        ],
        "Praca z przodu goleni.",
    ),
    "cadence-running-drill": _pl(
        "Bieg krótszym, szybszym krokiem",
        [
            "Biegnij w swobodnym tempie.",
            "Stawiaj kroki trochę krótsze i szybsze niż zwykle (fizjoterapeuta powie Ci, ile "
            "na minutę).",
            "Stawiaj stopę pod ciałem, cicho.",
            "Biegnij tak przez czas zapisany w Twoim planie.",
        ],
        "Lekki wysiłek; kroki są szybkie i lekkie.",
        "Przerwij, jeśli ból lub napięcie w nodze narasta podczas biegu i nie mija szybko po "
        "zatrzymaniu się.",
    ),
}
