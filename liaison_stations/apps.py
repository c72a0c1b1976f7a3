from django.apps import AppConfig


class LiaisonStationsConfig(AppConfig):
    name = "liaison_stations"
