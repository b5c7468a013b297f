//! Which spelling of local images the simulated HSS takes in `image_type`. The English API page
//! says `local_image`; the Chinese page, the official SDKs and every sibling image API say
//! `local`. Nobody outside Huawei can tell which the service takes, so the simulator can take
//! either or both, and answers the documented 400 (`APIGW.0201`, naming the parameter) for a
//! spelling it does not take.

use std::fmt;
use std::str::FromStr;

/// The spellings of local images the simulated HSS takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LocalImageValue {
    /// `local` only (the default: what the official SDKs send).
    #[default]
    Local,
    /// `local_image` only (the English page).
    LocalImage,
    /// Either.
    Both,
}

impl LocalImageValue {
    /// Every choice.
    pub const ALL: [LocalImageValue; 3] = [
        LocalImageValue::Local,
        LocalImageValue::LocalImage,
        LocalImageValue::Both,
    ];

    /// The name on the command line: `local`, `local_image`, `both`.
    pub fn name(self) -> &'static str {
        match self {
            LocalImageValue::Local => "local",
            LocalImageValue::LocalImage => "local_image",
            LocalImageValue::Both => "both",
        }
    }

    /// Whether `image_type` names local images; when it is a spelling of them this simulator
    /// does not take, `Err` with the one it takes.
    pub fn is_local(self, image_type: &str) -> Result<bool, &'static str> {
        match (self, image_type) {
            (LocalImageValue::Local | LocalImageValue::Both, "local")
            | (LocalImageValue::LocalImage | LocalImageValue::Both, "local_image") => Ok(true),
            (LocalImageValue::LocalImage, "local") => Err("local_image"),
            (_, "local_image") => Err("local"),
            _ => Ok(false),
        }
    }
}

impl fmt::Display for LocalImageValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for LocalImageValue {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|value| value.name() == text)
            .ok_or_else(|| format!("{text:?} is not one of local, local_image, both"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_choice_takes_its_spellings_and_refuses_the_other() {
        assert_eq!(LocalImageValue::Local.is_local("local"), Ok(true));
        assert_eq!(LocalImageValue::Local.is_local("local_image"), Err("local"));
        assert_eq!(
            LocalImageValue::LocalImage.is_local("local"),
            Err("local_image")
        );
        assert_eq!(
            LocalImageValue::LocalImage.is_local("local_image"),
            Ok(true)
        );
        assert_eq!(LocalImageValue::Both.is_local("local_image"), Ok(true));
        for choice in LocalImageValue::ALL {
            assert_eq!(choice.is_local("registry"), Ok(false));
            assert_eq!(choice.name().parse(), Ok(choice));
        }
    }
}
