"""Writes common-passwords.txt: passwords people pick first, built from the words and
patterns that top every published leak analysis (keyboard walks, first names, words of
love, football, seasons, the site itself) with the usual decorations (years, 123, !).
Entries are lower case: the check lower-cases what it compares.
Run: python generate_common_passwords.py (the list is generated, not downloaded)."""
import itertools
import os

WORDS = """password passw0rd motdepasse mot2passe azerty azertyuiop qwerty qwertyuiop qwertz
asdfgh asdfghjkl zxcvbnm wxcvbn qsdfgh qsdfghjklm abcdef abcdefgh abc123 iloveyou jetaime
jetaimebeaucoup loveyou soleil bonjour bonsoir salut coucou doudou chouchou loulou nounours
bisous amour monamour princesse princess chocolat football marseille olympique paris
parissg psg lyon lille bordeaux nantes toulouse france francais liberte marianne chelsea
liverpool arsenal barcelona realmadrid juventus ronaldo messi zidane mbappe dragon monkey
shadow master sunshine superman batman spiderman pokemon naruto starwars matrix welcome
letmein trustno1 whatever freedom baseball basketball hockey tennis rugby cyclisme
admin administrator administrateur root toor user utilisateur login connexion secret
secure security changeme default guest invite test testing tester motdepasse1 azerty123
nicolas julien thomas camille marie sophie julie laura nathalie isabelle sandrine celine
stephanie aurelie caroline emilie elodie pauline manon chloe lea emma jade louise alice
pierre jean michel philippe alain patrick christophe sebastien olivier frederic laurent
david eric pascal francois antoine maxime alexandre guillaume vincent romain kevin
jeremy anthony mathieu lucas hugo louis gabriel arthur jules raphael adam enzo noah
michael jennifer jessica ashley daniel andrew joshua matthew robert charlie jordan
hunter ginger pepper tigger buster maggie bailey lucky snoopy milou titeuf scoubidou
tintin asterix obelix garfield mickey minnie titi grosminet simpson homer bart
chien chat cheval lapin tigre lion panthere papillon fleur rose marguerite tulipe
printemps ete automne hiver janvier fevrier mars avril mai juin juillet aout
septembre octobre novembre decembre lundi mardi mercredi jeudi vendredi samedi dimanche
spring summer autumn winter january february march april june july august september
october november december monday friday sunday beffroi belfry mairie commune citoyen
citoyenne participation democratie budget village quartier metropole
orange free bouygues sfr wanadoo laposte hotmail gmail yahoo google facebook
instagram twitter youtube netflix amazon apple samsung iphone android windows
computer ordinateur internet bienvenue welcome1 azertyuiop123 qwerty123 passpass
motdepasse123 123soleil nopassword nepasoublier oublie forgot forgotten
""".split()

SEQUENCES = ["123456", "1234567", "12345678", "123456789", "1234567890", "0123456789",
             "987654321", "9876543210", "111111", "1111111111", "000000", "0000000000",
             "123123", "123123123", "112233", "121212", "654321", "159753", "147258369",
             "123321", "102030", "666666", "777777", "888888", "999999", "aaaaaa",
             "aaaaaaaaaa", "abcabc", "azazaz", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx",
             "zaq12wsx", "qazwsx", "qweasd", "qweasdzxc", "1a2z3e4r", "a1z2e3r4"]

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "01",
            "69", "75", "13", "2020", "2021", "2022", "2023", "2024", "2025", "2026", "00",
            "007", "@123", "*"]


def generate():
    out = set(SEQUENCES)
    for word, suffix in itertools.product(WORDS, SUFFIXES):
        out.add(word + suffix)
    for a, b in itertools.product(("jetaime", "iloveyou", "azerty", "password", "motdepasse"),
                                  ("moi", "toi", "lui", "you", "mon", "ma")):
        out.add(a + b)
    return sorted(out)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "common-passwords.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(generate()) + "\n")
