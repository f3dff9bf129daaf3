"""``cors-e2e audit``: who must NOT get in. From the legitimate origins, the
hostile ones the known bug classes need are derived (hostile.py), each served
as a real page at that origin; the cells run in the engines with the ordinary
runner (plan.py), and the verdicts are judged into findings (judge.py): which
hostile page could read the response, with or without credentials, in which
engine. Reports: text and JSON (judge.py), HTML (report.py); the command in
command.py.
"""
