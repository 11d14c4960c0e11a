"""Input types of the people and crew mutations (the person's fields, a crew credit)."""

import graphene

from movies.models import DEPARTMENTS, PERSON_DEPARTMENTS


class _PersonFields:
    """Fields shared by ActorInput and ActorUpdateInput (name apart)."""

    birth_date = graphene.String(description="Date of birth, YYYY-MM-DD; null clears it.")
    death_date = graphene.String(
        description="Date of death, YYYY-MM-DD (not before the birth); null clears it."
    )
    place_of_birth = graphene.String(description="Place of birth, e.g. Beirut, Lebanon.")
    bio = graphene.String(description="Short biography.")
    imdb_id = graphene.String(description="IMDb person id, e.g. nm0000206; null clears it.")
    tmdb_id = graphene.Int(description="TMDB person id; null clears it.")
    known_for_department = graphene.String(
        description="TMDB's department: " + ", ".join(PERSON_DEPARTMENTS) + "."
    )


class ActorInput(_PersonFields, graphene.InputObjectType):
    """A new person's fields."""

    name = graphene.String(required=True, description="Full name.")


class ActorUpdateInput(_PersonFields, graphene.InputObjectType):
    """The person fields to change; absent fields keep their value."""

    name = graphene.String(description="Full name.")


class CrewInput(graphene.InputObjectType):
    """One job on a movie's crew (TMDB's departments and jobs)."""

    person = graphene.ID(required=True, description="Database id of the person (an actor id).")
    job = graphene.String(required=True, description="The job, e.g. Director.")
    department = graphene.String(
        required=True, description="The department: " + ", ".join(DEPARTMENTS) + "."
    )
