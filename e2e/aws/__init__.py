"""Deployed APIs on AWS: targets (``aws:rest/ID/STAGE``, ``aws:http/ID[/STAGE]``,
base URLs), ``inspect`` findings, ``scenarios-from``, and deploying/tearing
down the fixture APIs. See docs/aws.md.

Layout: ``session`` is the only module that calls boto3 (retries, error
mapping in ``errors``); ``target`` resolves what the user typed; ``config``
reads an API's configuration into plain data; ``inspect_rest`` /
``inspect_http`` decide findings from that data alone (``preflight`` decodes a
MOCK OPTIONS method); ``scenarios_from`` writes scenario files; ``deploy`` /
``teardown`` manage the fixtures; ``cli`` adds the subcommands.
"""
