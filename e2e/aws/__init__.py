"""Deployed APIs on AWS: targets (``aws:rest/ID/STAGE``, ``aws:http/ID[/STAGE]``,
base URLs), ``inspect`` findings, ``scenarios-from``, and deploying/tearing
down the fixture APIs. See docs/aws.md.

Layout: ``session`` is the only module that calls boto3 (retries, error
mapping in ``errors``); ``target`` resolves what the user typed; ``config``
reads an API's configuration and ``live_model`` turns it into the local
gateway's model (``e2e.gateway.model``, the one templates load into too);
``inspect_rest`` / ``inspect_http`` decide findings from that model alone
(``preflight`` runs a MOCK OPTIONS method through the gateway's MOCK engine); ``scenarios_from`` writes scenario files; ``deploy`` /
``teardown`` manage the fixtures; ``cli`` adds the subcommands.
"""
